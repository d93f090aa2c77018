/**
 * Where the fold starts. A processor that owns the state file (persist) loads it through its
 * StateManager (a corrupt one is set aside: the run is rebuilt from the log and counted as a
 * recovery); a reader reads it once. Either way the checkpoint stored there, when it is usable and
 * the log is the input, is restored, and only the log after its offset is read. `replay: true`
 * starts from nothing instead, so that every event of the run passes through the streams.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { restoreRunState } from '../metrics/checkpoint';
import { createRunState, type RunState } from '../metrics/runState';
import type { SourceInput } from '../sources/inputs';
import type { StateFile } from '../state/codecs';
import { eventsPath, isDirectory, listFeatures, noStateDirMessage, statePath, unknownFeatureMessage } from '../state/layout';
import { CorruptStateError, readStateFile, StateManager } from '../state/stateManager';
import { preferredInput, storedCheckpoint, type InputMode } from './preferredInput';
import { decodeOptionsOf, type MetricsProcessorOptions, type Sources } from './processorOptions';
import type { Warner } from './warnings';

/** Where the fold starts: the stored checkpoint (as JSON, restored per subscription) or nothing. */
export interface StartingPoint {
  /** The owner of `{feature}.json` (persist mode only). */
  readonly manager: StateManager | null;
  readonly checkpoint: unknown;
  readonly restored: RunState | null;
  /** The state file was corrupt or its checkpoint unusable: the run is rebuilt (`state_recoveries`). */
  readonly recovered: boolean;
  /** Which input describes the run: the log, the state file, or whichever speaks first. */
  readonly mode: InputMode;
  /** The stored checkpoint held a figure out of range (counted as an `out_of_range` input). */
  readonly outOfRange?: string;
}

/** The start of a processor with nothing to read. */
export const FROM_NOTHING: StartingPoint = { manager: null, checkpoint: null, restored: null, recovered: false, mode: 'log' };

function inputMode(sources: Sources, logExists: boolean, prev: StateFile | null): InputMode {
  if (!sources.stateFile) return 'log';
  if (!sources.log) return 'state';
  return preferredInput(logExists, prev);
}

/** The state file as this processor sees it at start: loaded by its owner, read by a reader, or none. */
function previousState(options: MetricsProcessorOptions, sources: Sources, warner: Warner): { prev: StateFile | null; manager: StateManager | null; recovered: boolean } {
  const { feature, stateDir } = options;
  if (options.persist) {
    const manager = new StateManager({ stateDir, feature, ...decodeOptionsOf(options), ...(options.now ? { now: options.now } : {}) });
    try {
      return { prev: manager.load(), manager, recovered: false };
    } catch (err) {
      if (!(err instanceof CorruptStateError)) throw err;
      warner.warn(`${err.message}; rebuilding it from the events log`);
      return { prev: manager.state, manager, recovered: true };
    }
  }
  if (options.stateFileRead) return { prev: options.stateFileRead, manager: null, recovered: false };
  // A reader of the broker alone keeps nothing locally: it reads the stream from its start.
  // Read for its checkpoint, or to choose the input; a run folded from the state file alone reads it as its source.
  if (sources.log || (!sources.stateFile && !sources.broker)) {
    const read = readStateFile(statePath(stateDir, feature));
    if (E.isRight(read)) return { prev: read.right, manager: null, recovered: false };
    warner.warn(`state file ${read.left.file} is unreadable (${read.left.reason}); reading the events log from its start`);
  }
  return { prev: null, manager: null, recovered: false };
}

export function startingPoint(options: MetricsProcessorOptions, sources: Sources, warner: Warner): StartingPoint {
  const { feature, stateDir } = options;
  const { prev, manager, recovered } = previousState(options, sources, warner);
  const logExists = fs.existsSync(eventsPath(stateDir, feature));
  const mode = inputMode(sources, logExists, prev);
  // Events derived from state snapshots already cover what the checkpoint holds: never both.
  const checkpoint = mode === 'log' && options.replay !== true ? storedCheckpoint(prev) : null;
  if (checkpoint === null) return { manager, checkpoint: null, restored: null, recovered, mode };
  const restored = restoreRunState(checkpoint);
  if (E.isRight(restored)) return { manager, checkpoint, restored: restored.right, recovered, mode };
  warner.warn(`the checkpoint in ${statePath(stateDir, feature)} is unusable (${restored.left.message}); rebuilding from the events log`);
  return {
    manager,
    checkpoint: null,
    restored: null,
    recovered: recovered || options.persist === true,
    // With no log to rebuild from, the state file itself is the record, when it may be read.
    mode: !logExists && sources.stateFile ? 'state' : mode,
    ...(restored.left.outOfRange ? { outOfRange: restored.left.message } : {}),
  };
}

/**
 * Why a processor that only reads has nothing to read (no state dir, no run of the feature), or
 * null. One that writes (persist) or is fed in-process starts the run itself; a broker reader needs
 * no local files at all.
 */
export function nothingToRead(options: MetricsProcessorOptions, sources: Sources): string | null {
  if (options.persist || sources.inProcess || sources.broker) return null;
  const { feature, stateDir } = options;
  if (!isDirectory(stateDir)) return noStateDirMessage(stateDir);
  if (options.stateFileRead || fs.existsSync(statePath(stateDir, feature)) || fs.existsSync(eventsPath(stateDir, feature))) return null;
  return unknownFeatureMessage(feature, stateDir, listFeatures(stateDir).map((f) => f.feature));
}

/**
 * The accumulator of each subscription to the fold: the state restored at start serves the first;
 * a later one (after every reader left) restores the same checkpoint again. Accumulators are
 * updated in place, so they are never shared.
 */
export function runStates(start: StartingPoint, feature: string): () => RunState {
  let unused: RunState | null = start.restored;
  return () => {
    if (unused !== null) {
      const state = unused;
      unused = null;
      return state;
    }
    if (start.checkpoint === null) return createRunState(feature);
    const restored = restoreRunState(start.checkpoint);
    return E.isRight(restored) ? restored.right : createRunState(feature);
  };
}

/** What the start itself feeds the fold first: a recovery to count, a checkpoint figure out of range. */
export function startInputs(start: StartingPoint): SourceInput[][] {
  return [
    ...(start.recovered ? [[{ kind: 'count', counter: 'stateRecoveries' } as const]] : []),
    ...(start.outOfRange !== undefined ? [[{ kind: 'rejected', reason: 'out_of_range', detail: start.outOfRange, line: null, from: 'checkpoint' } as const]] : []),
  ];
}
