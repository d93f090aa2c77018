/**
 * The one-shot read behind `status`, `status --json` and `metrics export`: a feature's state file
 * and/or events log folded through the same pipeline as a live run — never writing anything.
 *
 * - With an events log, or a state file holding a checkpoint (ours): the checkpoint is restored and
 *   only the log after its offset is read; without a checkpoint the whole log is folded.
 * - With only an upstream state file: the events it implies (`eventsFromState`), with task levels
 *   from `.gsd/specs/{feature}/task-graph.json` when present, else from `-L<n>-` in task ids; a
 *   task with no known level has none.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import type { RunSnapshot } from '../metrics/snapshot';
import type { TaskGraph } from '../graph/taskGraph';
import type { StateFile } from '../state/codecs';
import { eventsPath, isDirectory, listFeatures, noStateDirMessage, statePath, unknownFeatureMessage, upstreamGraphPath } from '../state/layout';
import { runOrchestratorGone } from '../state/runLock';
import { readStateFile } from '../state/stateManager';
import { DEFAULT_STALL_AFTER_MS } from '../metrics/runFacts';
import { preferredInput } from './preferredInput';
import { createMetricsProcessor } from './processor';
import { describeError } from './warnings';
import { readTaskGraph } from '../graph/readGraph';

export interface LoadRunOptions {
  readonly feature: string;
  readonly stateDir: string;
  readonly naiveTz?: string | undefined;
  /** The moment the report is for (uptimes of running workers, `computed_at`); default now. */
  readonly now?: number;
  /** Heartbeats older than this say the orchestrator is gone, where its lock cannot tell (default 120 s). */
  readonly stallAfterMs?: number;
}

export interface LoadedRun {
  readonly snapshot: RunSnapshot;
  /** The state file as read (null when there is none or it is unreadable). */
  readonly state: StateFile | null;
  /** The feature's task graph, when found beside the state dir. */
  readonly graph: TaskGraph | null;
  /** Problems met while reading (a corrupt file, bad lines...), one line each; the first few. */
  readonly warnings: readonly string[];
  /** How many more there were. */
  readonly moreWarnings: number;
  /** The orchestrator of a run that never ended is known to be gone: the run is abandoned. */
  readonly orchestratorGone: boolean;
}

export type LoadRunError =
  | { readonly kind: 'no_state_dir'; readonly stateDir: string; readonly message: string }
  | { readonly kind: 'unknown_feature'; readonly feature: string; readonly found: readonly string[]; readonly message: string }
  | { readonly kind: 'unreadable'; readonly file: string; readonly message: string };

/** Warnings kept in full; the rest are counted (bad lines are also counted under `ingest`). */
const MAX_WARNINGS = 10;

export async function loadRun(options: LoadRunOptions): Promise<E.Either<LoadRunError, LoadedRun>> {
  const { feature, stateDir } = options;
  if (!isDirectory(stateDir)) {
    return E.left({ kind: 'no_state_dir', stateDir, message: noStateDirMessage(stateDir) });
  }
  const stateFile = statePath(stateDir, feature);
  const logFile = eventsPath(stateDir, feature);
  const hasState = fs.existsSync(stateFile);
  const hasLog = fs.existsSync(logFile);
  if (!hasState && !hasLog) {
    const found = listFeatures(stateDir).map((f) => f.feature);
    return E.left({ kind: 'unknown_feature', feature, found, message: unknownFeatureMessage(feature, stateDir, found) });
  }

  const warnings: string[] = [];
  let extra = 0;
  const warn = (message: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else extra += 1;
  };

  let state: StateFile | null = null;
  if (hasState) {
    const read = readStateFile(stateFile);
    if (E.isRight(read)) state = read.right;
    else if (read.left.kind === 'io' || !hasLog) {
      return E.left({ kind: 'unreadable', file: stateFile, message: `cannot read ${stateFile}: ${read.left.reason}` });
    }
    // A corrupt state with a log beside it: the processor warns and rebuilds from the log.
  }

  const fromLog = preferredInput(hasLog, state) === 'log';
  const graphRead = readTaskGraph(upstreamGraphPath(stateDir, feature));
  // Folding a state file, the processor reads the graph for its levels, and says what is wrong with it.
  if (graphRead.warning && fromLog) warn(graphRead.warning);

  const now = options.now ?? Date.now();
  const processor = createMetricsProcessor({
    feature,
    stateDir,
    sources: fromLog ? { eventsLog: { follow: false } } : { stateFile: { follow: false } },
    persist: false,
    now: () => now,
    onWarning: warn,
    ...(options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {}),
    ...(state !== null ? { stateFileRead: state } : {}),
  });
  try {
    await processor.ready;
  } catch (err) {
    const file = fromLog ? logFile : stateFile;
    return E.left({ kind: 'unreadable', file, message: `cannot read ${file}: ${describeError(err)}` });
  } finally {
    await processor.close();
  }
  const snapshot = processor.snapshot();
  const orchestratorGone = runOrchestratorGone(stateDir, feature, snapshot, now, options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS);
  return E.right({ snapshot, state, graph: graphRead.graph, warnings, moreWarnings: extra, orchestratorGone });
}
