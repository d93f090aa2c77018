/**
 * Which run a reading command (`status` in every mode, `metrics export`) shows: the feature asked
 * (`--feature`, `$MAHABHARATHA_FEATURE`), else the newest in the state dir; read from the broker
 * when one is given. Empty states are explained, with what to do, not reported as errors the user
 * cannot act on.
 */
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { brokerFrom, type BrokerUrl } from '../broker/url';
import type { TaskGraph } from '../graph/taskGraph';
import { readTaskGraph } from '../graph/readGraph';
import { DEFAULT_STATE_DIR, isDirectory, listFeatures, noStateDirMessage, START_HINT, unknownFeatureMessage, upstreamGraphPath } from '../state/layout';
import { RuntimeError, UsageError } from './exit';

export type Resolved =
  | { readonly kind: 'run'; readonly feature: string; readonly stateDir: string; readonly broker?: BrokerUrl }
  | { readonly kind: 'graph-only'; readonly feature: string; readonly graph: TaskGraph; readonly graphPath: string };

/** The broker a command reads from (`--broker`, else `$MAHABHARATHA_BROKER`), null for the local files. */
export function brokerOption(flag: string | undefined, env: NodeJS.ProcessEnv): BrokerUrl | null {
  const broker = brokerFrom(flag, env);
  if (E.isLeft(broker)) throw new UsageError(broker.left);
  return broker.right;
}

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
