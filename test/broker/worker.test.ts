/**
 * The joining worker (`startBrokerWorker`), in this process, on a real redis-server: which run it
 * joins and when it leaves — the run ends, another run takes its place, the run ends while Redis
 * restarts, the task queue goes away under it — and that once it has left it holds no connection.
 * The orchestrator's side is played by writing its keys directly, so each case is exact.
 */
import * as E from 'fp-ts/Either';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEntry } from '../../src/broker/eventEntry';
import { runKeys, TASKS_GROUP, type RunKeys } from '../../src/broker/keys';
import { parseBrokerUrl } from '../../src/broker/url';
import { startBrokerWorker, type BrokerWorker } from '../../src/broker/worker';
import { startRedis, type RedisServer } from '../helpers/redisServer';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { HANG_GUARD_MS, waitUntil } from '../helpers/waitUntil';

let redis: RedisServer;
let client: Redis;
let dir = '';
let keys: RunKeys;
let feature = '';
let n = 0;
const worker = suite('the joining worker');
worker.before(async () => {
  redis = await startRedis();
  dir = makeTempDir('mahabharatha-worker-');
});
worker.after(async () => {
  await redis.stop();
  removeTempDir(dir);
});
worker.before.each(() => {
  n += 1;
  feature = `worker-${n}`;
  keys = runKeys(feature);
  // Reconnects after each restart, as any client would.
  client = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
});
worker.after.each(() => {
  client.disconnect();
});

interface Started {
  readonly worker: BrokerWorker;
  readonly lines: string[];
  /** Resolves with the first line (said so far or later) that matches; a hang fails the test. */
  said(pattern: RegExp): Promise<string>;
}

/** A worker of `slots` slots; `onSay` sees each line as it is said, before the worker goes on. */
function start(slots: number, onSay?: (line: string) => void): Started {
  const url = parseBrokerUrl(redis.url);
  if (E.isLeft(url)) throw new Error(url.left);
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    onSay?.(line);
  };
  const w = startBrokerWorker({ url: url.right, feature, slots, cwd: dir, claimTimeoutMs: 3000, say });
  return {
    worker: w,
    lines,
    said: (pattern) => waitUntil(`the worker to say ${pattern}`, () => lines.find((l) => pattern.test(l))),
  };
}

/** The worker's outcome once it has left; a worker still there after the hang guard fails the test. */
async function left(started: Started): Promise<{ error: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.worker.stop();
      reject(new Error(`the worker did not leave; it said:\n${started.lines.join('\n')}`));
    }, HANG_GUARD_MS);
  });
  try {
    return await Promise.race([started.worker.done, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** What an orchestrator's start leaves in the broker: the run, its (empty) task queue. */
async function openRun(runId: string): Promise<void> {
  await client.multi().del(keys.tasks, keys.end).xgroup('CREATE', keys.tasks, TASKS_GROUP, '0', 'MKSTREAM').set(keys.run, runId).exec();
}

/** Events of the feature's stream: type and worker id. */
async function streamEvents(): Promise<{ type: string; workerId: unknown }[]> {
  const entries = (await client.xrange(keys.events, '-', '+')) as [string, string[]][];
  return entries.flatMap(([, fields]) => {
    const decoded = decodeEntry(fields);
    return E.isRight(decoded) ? [{ type: decoded.right.type, workerId: (decoded.right.data as { workerId?: unknown }).workerId }] : [];
  });
}

/**
 * The worker ids that started, and those that recorded leaving: the same when every slot left.
 * (Writes re-sent after a reconnect may be on the stream twice: readers dedupe, so do we.)
 */
async function startedAndStopped(): Promise<[unknown[], unknown[]]> {
  const events = await streamEvents();
  const ids = (type: string): unknown[] => [...new Set(events.filter((e) => e.type === type).map((e) => e.workerId))].sort();
  return [ids('worker_started'), ids('worker_stopped')];
}

/** `CLIENT LIST` lines of the connections the worker (this process) holds: ours are unnamed. */
async function workerClientList(): Promise<string> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .filter((l) => l.includes(` name=mahabharatha-${process.pid} `))
    .join('\n');
}

const workerConnections = async (): Promise<number> => (await workerClientList()).split('\n').filter((l) => l !== '').length;

/** Every slot that started (`slots` of them, when given) recorded its stop, and no connection of the worker stays open. */
async function assertLeftWhole(slots?: number): Promise<void> {
  const [started, stopped] = await startedAndStopped();
  if (slots !== undefined) assert.is(started.length, slots);
  assert.equal(stopped, started);
  assert.is(await workerConnections(), 0);
}

worker('leaves when the run it joined ends: every slot records leaving, no connection stays open', async () => {
  await openRun('run-1');
  const w = start(2);
  await w.said(/joined run run-1/);
  await client.set(keys.end, 'run-1');
  assert.equal(await left(w), { error: null });
  await assertLeftWhole(2);
});

worker('does not join a run that has ended; joins the next one', async () => {
  await openRun('run-1');
  await client.set(keys.end, 'run-1');
  const w = start(1);
  // It has looked at the ended run (its connection's last command read the run's keys).
  await waitUntil('the worker to read the ended run', async () => / cmd=(get|mget) /.test(await workerClientList()));
  await openRun('run-2');
  assert.match(await w.said(/joined run/), /joined run run-2/);
  await client.set(keys.end, 'run-2');
  assert.equal(await left(w), { error: null });
});

worker('leaves when another run takes the place of the one it joined (its end will never be set)', async () => {
  // A run whose orchestrator is gone: never ended. A new orchestrator replaces it.
  await openRun('run-1');
  const w = start(2);
  await w.said(/joined run run-1/);
  await openRun('run-2');
  assert.equal(await left(w), { error: null });
  assert.ok(
    w.lines.some((l) => /run run-1 .* is over: run run-2 took its place/.test(l)),
    w.lines.join('\n'),
  );
  await assertLeftWhole();
});

worker('the run ends while Redis restarts: the worker leaves once Redis is back, its last events on the stream', async () => {
  await openRun('run-1');
  const w = start(2);
  await w.said(/joined run run-1/);
  await redis.restart();
  // Set before the worker is back: it learns of the end from the restarted server.
  await client.set(keys.end, 'run-1');
  assert.equal(await left(w), { error: null });
  await assertLeftWhole(2);
});

worker('the task queue goes away under it: the worker says why and leaves whole, every slot stopped', async () => {
  await openRun('run-1');
  // The consumer group goes with the stream, as soon as the worker has joined (before its slots
  // read): each slot's next read fails.
  let deleted: Promise<number> | undefined;
  const w = start(2, (line) => {
    if (deleted === undefined && /joined run run-1/.test(line)) deleted = client.del(keys.tasks);
  });
  await w.said(/joined run run-1/);
  assert.is(await deleted, 1, 'the task queue was there to delete');
  const outcome = await left(w);
  assert.match(outcome.error ?? '', /NOGROUP/, `the worker's error: ${outcome.error}`);
  await assertLeftWhole(2);
});

worker('the task queue goes away while its slots wait on it: the worker says why and leaves whole, every slot stopped', async () => {
  await openRun('run-1');
  const w = start(2);
  await w.said(/joined run run-1/);
  // Both slots blocked in their read of the queue.
  await waitUntil('both slots to wait on the task queue', async () => (await workerClientList()).split('\n').filter((l) => / flags=b\b/.test(l) && / cmd=xreadgroup /.test(l)).length === 2);
  await client.del(keys.tasks);
  const outcome = await left(w);
  // Redis ends a read blocked on a deleted stream with UNBLOCKED; a slot between two reads gets NOGROUP.
  assert.match(outcome.error ?? '', /^(UNBLOCKED the stream key no longer exists|NOGROUP)/, `the worker's error: ${outcome.error}`);
  await assertLeftWhole(2);
});

/** A task queued as `rush` queues it, under a given entry id. */
async function queueTask(entryId: string, taskId: string): Promise<void> {
  await client.xadd(keys.tasks, entryId, 'task_id', taskId, 'level', '1', 'command', 'true', 'timeout_ms', '20000', 'attempt', '1');
}

worker('runs a task whose claim mark is already its own (the mark was written, then sent again after a connection loss)', async () => {
  await openRun('run-1');
  await queueTask('1-1', 'T-1');
  // HSETNX applied by a server that then went away: sent again, it answers 0 — for this very entry.
  await client.hset(keys.attempts, 'T-1#1', '1-1');
  const w = start(1);
  await w.said(/joined run run-1/);
  try {
    await waitUntil('T-1 to complete', async () => (await streamEvents()).some((e) => e.type === 'task_complete'));
  } finally {
    await client.set(keys.end, 'run-1');
  }
  assert.equal(await left(w), { error: null });
  assert.equal((await client.xpending(keys.tasks, TASKS_GROUP))[0], 0, 'acknowledged');
});

worker('runs the same attempt queued twice (a write sent again after a connection loss) once', async () => {
  await openRun('run-1');
  await queueTask('1-1', 'T-1');
  await queueTask('1-2', 'T-1');
  const w = start(2);
  await w.said(/joined run run-1/);
  // Both copies handled: the second acknowledged without running.
  try {
    await waitUntil('T-1 to complete and both copies to be acknowledged', async () => (await client.xpending(keys.tasks, TASKS_GROUP))[0] === 0 && (await streamEvents()).some((e) => e.type === 'task_complete'));
  } finally {
    await client.set(keys.end, 'run-1');
  }
  assert.equal(await left(w), { error: null });
  assert.is((await streamEvents()).filter((e) => e.type === 'task_started').length, 1);
});

worker.run();
