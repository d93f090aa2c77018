/**
 * `mahabharatha status` (one-shot text, DESIGN §6): find the feature, read its state and events
 * without writing anything, print the status. Empty states are explained, not reported as errors
 * the user cannot act on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { isValidZone } from '../events/timestamp';
import type { TaskGraph } from '../graph/taskGraph';
import { brokerFrom, type BrokerUrl } from '../broker/url';
import { loadBrokerRun } from '../pipeline/loadBrokerRun';
import { loadRun, type LoadedRun } from '../pipeline/loadRun';
import { BAD_LINE_WARNING } from '../pipeline/processor';
import { readTaskGraph } from '../graph/readGraph';
import { DEFAULT_STATE_DIR, isDirectory, listFeatures, noStateDirMessage, rejectedPath, START_HINT, unknownFeatureMessage, upstreamGraphPath } from '../state/layout';
import { statusModel, UnknownLevelError } from '../views/statusModel';
import { renderGraphSummary, renderStatus } from '../views/text';
import { EXIT, RuntimeError, UsageError } from './exit';
import type { StatusOptions } from './options';

/** What the command touches of the outside world; tests pass their own. */
export interface StatusIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  /** Force colour on or off (tests); otherwise a TTY without NO_COLOR / --no-color / TERM=dumb. */
  readonly color?: boolean;
  /** Zone of the clock times printed; default this machine's. */
  readonly timeZone?: string;
}

const processIo = (): StatusIo => ({ stdout: process.stdout, env: process.env, now: Date.now });

/** Colour unless `--no-color` or NO_COLOR (any non-empty value) says otherwise. */
export const wantsColor = (opts: Pick<StatusOptions, 'color'>, env: NodeJS.ProcessEnv): boolean =>
  opts.color !== false && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');

/** DESIGN §6: colour only on a terminal that can show it, and only when wanted. */
function useColor(opts: Pick<StatusOptions, 'color'>, io: StatusIo): boolean {
  return io.color ?? (wantsColor(opts, io.env) && io.env.TERM !== 'dumb' && io.stdout.isTTY === true);
}

export type Resolved =
  | { readonly kind: 'run'; readonly feature: string; readonly stateDir: string; readonly broker?: BrokerUrl }
  | { readonly kind: 'graph-only'; readonly feature: string; readonly graph: TaskGraph; readonly graphPath: string };

/**
 * Which feature to show, or why there is none. Throws `RuntimeError` (exit 1) with what to do
 * when the state dir is missing or the feature unknown. A feature that has a task graph but no run
 * yet resolves to its graph.
 */
export function resolveFeature(opts: { feature?: string; stateDir?: string; broker?: string }, env: NodeJS.ProcessEnv): Resolved {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const asked = opts.feature?.trim() || env.MAHABHARATHA_FEATURE?.trim() || undefined;
  const broker = brokerOption(opts.broker, env);
  if (broker !== null) {
    // The run is read from the broker: nothing local is looked at.
    if (asked === undefined) throw new UsageError('with a broker, name the feature: --feature F (or $MAHABHARATHA_FEATURE)');
    return { kind: 'run', feature: asked, stateDir, broker };
  }
  const features = listFeatures(stateDir);
  if (asked !== undefined && features.some((f) => f.feature === asked)) return { kind: 'run', feature: asked, stateDir };

  if (asked !== undefined) {
    // A feature planned but not run yet: its task graph is what there is to show.
    const graphPath = upstreamGraphPath(stateDir, asked);
    const { graph } = readTaskGraph(graphPath);
    if (graph !== null) return { kind: 'graph-only', feature: asked, graph, graphPath: path.relative(process.cwd(), graphPath) || graphPath };
  }

  if (!isDirectory(stateDir)) throw new RuntimeError(noStateDirMessage(stateDir));
  if (asked !== undefined) throw new RuntimeError(unknownFeatureMessage(asked, stateDir, features.map((f) => f.feature)));
  const newest = features[0];
  if (newest === undefined) throw new RuntimeError(`no runs in ${stateDir} yet; ${START_HINT}`);
  return { kind: 'run', feature: newest.feature, stateDir };
}

/** The feature's run, read without writing; a RuntimeError (exit 1, one line) when it cannot be read. */
/** The broker a command reads from (`--broker`, else `$MAHABHARATHA_BROKER`), null for the local files. */
export function brokerOption(flag: string | undefined, env: NodeJS.ProcessEnv): BrokerUrl | null {
  const broker = brokerFrom(flag, env);
  if (E.isLeft(broker)) throw new UsageError(broker.left);
  return broker.right;
}

export async function readRun(feature: string, stateDir: string, naiveTz: string | undefined, now: number, broker?: BrokerUrl, stallAfterMs?: number): Promise<LoadedRun> {
  const loaded = broker
    ? await loadBrokerRun({ url: broker, feature, naiveTz, now })
    : await loadRun({ feature, stateDir, naiveTz, now, ...(stallAfterMs !== undefined ? { stallAfterMs } : {}) });
  if (E.isLeft(loaded)) throw new RuntimeError(loaded.left.message);
  return loaded.right;
}

export function checkNaiveTz(naiveTz: string | undefined): void {
  if (naiveTz !== undefined && !isValidZone(naiveTz)) {
    throw new UsageError(`--naive-tz: unknown time zone ${JSON.stringify(naiveTz)} (use an IANA name like Europe/Berlin, UTC, or an offset like +02:00)`);
  }
}

export async function statusTextCommand(opts: StatusOptions, io: StatusIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const color = useColor(opts, io);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') {
    if (opts.level !== undefined) throw new RuntimeError(`feature ${resolved.feature} has not run yet: no level to show; ${START_HINT}`);
    io.stdout.write(renderGraphSummary(resolved.graph, { color, graphPath: resolved.graphPath }));
    return EXIT.ok;
  }

  const now = io.now();
  const { snapshot, graph, warnings, moreWarnings, orchestratorGone } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker);

  let model;
  try {
    model = statusModel(snapshot, {
      now,
      graph,
      orchestratorGone,
      // A rejected line is told once: under the count of rejected lines, not again as a warning.
      warnings: warnings.filter((w) => !w.startsWith(BAD_LINE_WARNING)),
      badLines: warnings.filter((w) => w.startsWith(BAD_LINE_WARNING)).map((w) => w.slice(BAD_LINE_WARNING.length).trim()),
      moreWarnings,
      ...(opts.level !== undefined ? { level: opts.level } : {}),
    });
  } catch (err) {
    if (err instanceof UnknownLevelError) throw new RuntimeError(`${resolved.feature}: ${err.message}`);
    throw err;
  }
  const rejected = rejectedPath(resolved.stateDir, resolved.feature);
  io.stdout.write(
    renderStatus(model, {
      color,
      ...(io.timeZone !== undefined ? { timeZone: io.timeZone } : {}),
      ...(fs.existsSync(rejected) ? { rejectedFile: rejected } : {}),
      ...(io.stdout.columns ? { width: io.stdout.columns } : {}),
    }),
  );
  return EXIT.ok;
}
