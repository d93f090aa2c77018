/**
 * Broker benchmark, on a real redis-server (skipped when none is installed): the same seeded
 * events as the pipeline benchmark's log shape, through
 * - the broker end to end: pipelined `XADD`s by a publisher, folded by a reader following the
 *   stream (`XREAD BLOCK`) into metrics — from the first write to the last event folded;
 * - the publisher alone (`XADD`, pipelined, until confirmed);
 * - a reader replaying the whole stream (`status --broker`'s read);
 * - the local path: the same events as a JSONL log, folded (`status`'s read).
 * `benchBroker()` returns the figures (for `bench/index.ts`); `npx tsx bench/broker.ts` prints them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Subscription } from 'rxjs';
import { startRedis } from '../test/helpers/redisServer';
import { consecutiveRuns } from '../test/helpers/runGenerator';
import { makeTempDir, removeTempDir } from '../test/helpers/tempDir';

// What is timed is the built package (`npm run bench` builds it first), as users run it.
const DIST = path.join(__dirname, '..', 'dist');
const lib = require(path.join(DIST, 'index.js')) as typeof import('../src/index');
const { connectBroker } = require(path.join(DIST, 'broker', 'connect.js')) as typeof import('../src/broker/connect');
const { eventFields } = require(path.join(DIST, 'broker', 'eventEntry.js')) as typeof import('../src/broker/eventEntry');
const { runKeys } = require(path.join(DIST, 'broker', 'keys.js')) as typeof import('../src/broker/keys');
const { Publisher } = require(path.join(DIST, 'broker', 'publisher.js')) as typeof import('../src/broker/publisher');
const { parseBrokerUrl } = require(path.join(DIST, 'broker', 'url.js')) as typeof import('../src/broker/url');
const { eventsPath } = require(path.join(DIST, 'state', 'layout.js')) as typeof import('../src/state/layout');
const { createMetricsProcessor, eventLine } = lib;

type LifecycleEvent = import('../src/events/codecs').LifecycleEvent;

export interface BrokerBenchFigures {
  readonly events: number;
  readonly endToEndPerSec: number;
  readonly publishPerSec: number;
  readonly replayPerSec: number;
  readonly localPerSec: number;
}

const NOW = Date.UTC(2026, 5, 1);

export const redisAvailable = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

async function publishAll(url: string, feature: string, events: readonly LifecycleEvent[]): Promise<void> {
  const parsed = parseBrokerUrl(url);
  if (parsed._tag === 'Left') throw new Error(parsed.left);
  const conn = connectBroker(parsed.right);
  const publisher = new Publisher(conn);
  const key = runKeys(feature).events;
  for (const e of events) publisher.add(key, eventFields(e));
  await publisher.drained();
  await conn.close();
}

/** Publishes `events` while a following reader folds them; seconds until it has folded the last. */
async function endToEnd(url: string, feature: string, events: readonly LifecycleEvent[]): Promise<number> {
  const reader = createMetricsProcessor({ feature, stateDir: '.', sources: { broker: { url } }, now: () => NOW });
  await reader.ready;
  let folded = 0;
  let sub: Subscription | null = null;
  const all = new Promise<void>((resolve) => {
    sub = reader.events$.subscribe(() => {
      folded += 1;
      if (folded === events.length) resolve();
    });
  });
  const start = process.hrtime.bigint();
  await publishAll(url, feature, events);
  await all;
  const s = seconds(start);
  (sub as Subscription | null)?.unsubscribe();
  await reader.close();
  return s;
}

async function fold(options: Parameters<typeof createMetricsProcessor>[0]): Promise<number> {
  const start = process.hrtime.bigint();
  const p = createMetricsProcessor(options);
  await p.ready;
  await p.close();
  return seconds(start);
}

export async function benchBroker(n = 200_000, seed = 42): Promise<BrokerBenchFigures> {
  const events = [...consecutiveRuns(n, seed, { workers: 8, tasksPerLevel: [200, 200, 200], failRate: 0.7, maxRetries: 20, verifyRate: 0.5 })];
  const redis = await startRedis();
  const dir = makeTempDir('mahabharatha-bench-broker-');
  try {
    const endToEndS = await endToEnd(redis.url, 'bench-e2e', events);
    const start = process.hrtime.bigint();
    await publishAll(redis.url, 'bench-publish', events);
    const publishS = seconds(start);
    const replayS = await fold({ feature: 'bench-publish', stateDir: '.', sources: { broker: { url: redis.url, follow: false } }, now: () => NOW });
    fs.writeFileSync(eventsPath(dir, 'bench'), events.map(eventLine).join(''));
    const localS = await fold({ feature: 'bench', stateDir: dir, sources: { eventsLog: { follow: false } }, now: () => NOW });
    return { events: events.length, endToEndPerSec: events.length / endToEndS, publishPerSec: events.length / publishS, replayPerSec: events.length / replayS, localPerSec: events.length / localS };
  } finally {
    await redis.stop();
    removeTempDir(dir);
  }
}

const perSec = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M events/s` : `${Math.round(x / 1000)} k events/s`);

export function formatBrokerFigures(f: BrokerBenchFigures): string {
  return [
    `broker (Redis Streams, ${f.events.toLocaleString('en')} events, one local redis-server)`,
    `  XADD → reader's metrics, pipelined, end to end   ${perSec(f.endToEndPerSec)}`,
    `  XADD alone (pipelined, confirmed)                ${perSec(f.publishPerSec)}`,
    `  reader replaying the whole stream                ${perSec(f.replayPerSec)}`,
    `  the same events from a local JSONL log            ${perSec(f.localPerSec)}`,
  ].join('\n');
}

if (require.main === module) {
  benchBroker().then(
    (f) => console.log(formatBrokerFigures(f)),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
