/**
 * The one-shot read of a run from a broker (`status --broker`, `--json`, `metrics export`): the
 * feature's events stream folded from its start through the same pipeline as every other read —
 * no local file read or written. Readers keep no position between runs: the stream is the whole
 * record of the run, and folding it again gives the same figures (duplicates are recognised by
 * `(producer, seq)` as anywhere else).
 */
import * as E from 'fp-ts/Either';
import { connectBroker, reachable } from '../broker/lazyConnect';
import { featureOfEventsKey, runKeys } from '../broker/keys';
import type { BrokerUrl } from '../broker/url';
import type { LoadedRun, LoadRunError } from './loadRun';
import { DEFAULT_STALL_AFTER_MS } from '../metrics/runFacts';
import { runGoneByHeartbeats } from '../state/runLock';
import { createMetricsProcessor } from './processor';
import { describeError } from './warnings';

export interface LoadBrokerRunOptions {
  readonly url: BrokerUrl;
  readonly feature: string;
  readonly naiveTz?: string | undefined;
  readonly now?: number;
}

/** Features with an events stream on the broker (SCAN: never blocks the server). */
export async function brokerFeatures(redis: ReturnType<typeof connectBroker>['redis']): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'mahabharatha:*:events', 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const feature = featureOfEventsKey(key);
      if (feature !== null) found.add(feature);
    }
  } while (cursor !== '0');
  return [...found].sort();
}

/** Whether the broker answers and holds the feature's stream (with what to do when not). */
async function checkStream(options: LoadBrokerRunOptions): Promise<LoadRunError | null> {
  const conn = connectBroker(options.url);
  try {
    await reachable(conn, options.url);
    if ((await conn.redis.exists(runKeys(options.feature).events)) === 1) return null;
    const found = await brokerFeatures(conn.redis);
    const known = found.length === 0 ? 'it holds no runs' : `features there: ${found.join(', ')}`;
    return { kind: 'unknown_feature', feature: options.feature, found, message: `no run of ${options.feature} on the broker ${options.url.text}; ${known}` };
  } catch (err) {
    return { kind: 'unreadable', file: options.url.text, message: describeError(err) };
  } finally {
    conn.redis.disconnect();
  }
}

export async function loadBrokerRun(options: LoadBrokerRunOptions): Promise<E.Either<LoadRunError, LoadedRun>> {
  const problem = await checkStream(options);
  if (problem !== null) return E.left(problem);
  const warnings: string[] = [];
  const now = options.now ?? Date.now();
  const processor = createMetricsProcessor({
    feature: options.feature,
    stateDir: '.',
    sources: { broker: { url: options.url, follow: false } },
    persist: false,
    now: () => now,
    onWarning: (m) => warnings.push(m),
    ...(options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {}),
  });
  try {
    await processor.ready;
  } catch (err) {
    return E.left({ kind: 'unreadable', file: options.url.text, message: `cannot read the events of ${options.feature} from ${options.url.text}: ${describeError(err)}` });
  } finally {
    await processor.close();
  }
  const kept = warnings.slice(0, 10);
  const snapshot = processor.snapshot();
  // Its lock is on the orchestrator's host: from afar, only the workers' heartbeats tell that it is gone.
  const orchestratorGone = snapshot.status === 'running' && runGoneByHeartbeats(snapshot, now, DEFAULT_STALL_AFTER_MS);
  return E.right({ snapshot, state: null, graph: null, warnings: kept, moreWarnings: warnings.length - kept.length, orchestratorGone });
}
