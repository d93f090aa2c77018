/**
 * The broker's moving parts on a real redis-server: the publisher across a Redis restart, and the
 * processor's broker source — a reader that keeps a checkpoint resumes from its stream id.
 */
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectBroker } from '../../src/broker/connect';
import { eventFields } from '../../src/broker/eventEntry';
import { runKeys } from '../../src/broker/keys';
import { Publisher } from '../../src/broker/publisher';
import { parseBrokerUrl, type BrokerUrl } from '../../src/broker/url';
import type { LifecycleEvent } from '../../src/events/codecs';
import { createMetricsProcessor } from '../../src/pipeline/processor';
import { savedState } from '../helpers/processorRuns';
import { startRedis, type RedisServer } from '../helpers/redisServer';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { waitUntil } from '../helpers/waitUntil';

let redis: RedisServer;
let url: BrokerUrl;
let feature = '';
let n = 0;
const streams = suite('broker streams');
streams.before(async () => {
  redis = await startRedis();
  const parsed = parseBrokerUrl(redis.url);
  if (parsed._tag === 'Left') throw new Error(parsed.left);
  url = parsed.right;
});
streams.after(async () => {
  await redis.stop();
});
streams.before.each(() => {
  n += 1;
  feature = `streams-${n}`;
});

const run = (seed: number): LifecycleEvent[] =>
  generateRun(mulberry32(seed), { workers: 3, tasksPerLevel: [4, 6, 3], producer: 'rush-test', feature }).map((e) => ({ ...e, feature }));

async function publishAll(events: readonly LifecycleEvent[]): Promise<void> {
  const conn = connectBroker(url);
  const publisher = new Publisher(conn);
  for (const e of events) publisher.add(runKeys(feature).events, eventFields(e));
  await publisher.drained();
  await conn.close();
}

async function seqsOnStream(): Promise<number[]> {
  const client = new Redis(redis.port, '127.0.0.1');
  try {
    const entries = (await client.xrange(runKeys(feature).events, '-', '+')) as [string, string[]][];
    return entries.map(([, f]) => Number(f[f.indexOf('seq') + 1]));
  } finally {
    client.disconnect();
  }
}

streams('the publisher loses nothing when Redis restarts while it writes, and keeps each producer’s order', async () => {
  const conn = connectBroker(url);
  const publisher = new Publisher(conn, { batchSize: 50 });
  const key = runKeys(feature).events;
  const total = 3000;
  const event = (seq: number): LifecycleEvent => ({ type: 'worker_ready', ts: 1_700_000_000_000 + seq, feature, producer: 'p', seq, data: { workerId: 1 } });
  for (let seq = 1; seq <= total / 2; seq += 1) publisher.add(key, eventFields(event(seq)));
  const restarted = redis.restart();
  for (let seq = total / 2 + 1; seq <= total; seq += 1) publisher.add(key, eventFields(event(seq)));
  await restarted;
  await publisher.drained();
  await conn.close();
  const seqs = await seqsOnStream();
  assert.is(new Set(seqs).size, total, 'every event is on the stream');
  // Re-sent writes come again later; the first time each seq appears, it appears in order.
  const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
  assert.equal(firsts, [...firsts].sort((a, b) => a - b));
});

streams('a reader that keeps a checkpoint resumes from its stream id: what it folded is not read again', async () => {
  const events = run(7);
  const half = Math.floor(events.length / 2);
  const stateDir = makeTempDir('mahabharatha-broker-reader-');
  try {
    const read = async (): Promise<ReturnType<ReturnType<typeof createMetricsProcessor>['snapshot']>> => {
      const p = createMetricsProcessor({ feature, stateDir, sources: { broker: { url: redis.url, follow: false } }, persist: true, now: () => 1_900_000_000_000 });
      await p.ready;
      await p.close();
      return p.snapshot();
    };
    await publishAll(events.slice(0, half));
    await read();
    const checkpoint = (savedState(stateDir, feature).metrics as { checkpoint?: { streamId?: string } }).checkpoint;
    const client = new Redis(redis.port, '127.0.0.1');
    const last = (await client.xrevrange(runKeys(feature).events, '+', '-', 'COUNT', 1))[0]?.[0];
    client.disconnect();
    assert.is(checkpoint?.streamId, last, 'the checkpoint stores the last entry folded');

    await publishAll(events.slice(half));
    const resumed = await read();
    assert.is(resumed.ingest.duplicateEvents, 0, 'nothing read twice');

    // The same figures as one reader of the whole stream.
    const whole = createMetricsProcessor({ feature, stateDir: '.', sources: { broker: { url: redis.url, follow: false } }, now: () => 1_900_000_000_000 });
    await whole.ready;
    await whole.close();
    const all = whole.snapshot();
    assert.equal(resumed.metrics, all.metrics);
    assert.equal(resumed.tasks, all.tasks);
    assert.is(all.metrics.tasksCompleted, 13);
  } finally {
    removeTempDir(stateDir);
  }
});

streams('a reader following the stream folds entries as they are added; a malformed one is counted, not fatal', async () => {
  const events = run(11);
  const p = createMetricsProcessor({ feature, stateDir: '.', sources: { broker: { url: redis.url } }, onWarning: () => undefined });
  await p.ready;
  const client = new Redis(redis.port, '127.0.0.1');
  await client.xadd(runKeys(feature).events, '*', 'timestamp', 'not a time', 'type', 'task_complete', 'data', '{}');
  client.disconnect();
  await publishAll(events);
  await waitUntil('the 13 completed tasks to be folded', () => p.snapshot().metrics.tasksCompleted >= 13);
  await p.close();
  const s = p.snapshot();
  assert.is(s.metrics.tasksCompleted, 13);
  assert.equal(s.ingest.invalidLines, { bad_timestamp: 1 });
});

streams.run();
