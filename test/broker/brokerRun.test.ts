/**
 * End to end on a real redis-server (DESIGN §9): `rush --broker … --workers 0` with workers that
 * join as separate processes, one of them in another directory (standing for another host), and
 * the faults a broker run must survive: a worker killed mid-task, a Redis restart mid-run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runKeys } from '../../src/broker/keys';
import { tempDirPerTest } from '../helpers/tempDir';
import { startRedis, type RedisServer } from '../helpers/redisServer';
import { copyGraph, readEvents, runCli, startCli, waitForEvents, type Started } from '../orchestrator/cliHarness';

let redis: RedisServer;
let dir = '';
const broker = suite('rush --broker with worker processes');
broker.before(async () => {
  redis = await startRedis();
});
broker.after(async () => {
  await redis.stop();
});
tempDirPerTest(broker, 'mahabharatha-broker-', (d) => (dir = d));

const BROKER_TASKS = ['BR-L1-001', 'BR-L2-001', 'BR-L2-002', 'BR-L2-003', 'BR-L3-001', 'BR-L3-002'];

function mkdir(...parts: string[]): string {
  const d = path.join(dir, ...parts);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/**
 * Claims are taken over after 1 s of silence: a killed worker's task comes back at once. A test in
 * which no worker dies but Redis is away for a while gives the claims longer (`claimTimeout`), or
 * a live worker's task would be taken over (and run twice) because Redis was away.
 */
interface RunArgs {
  readonly extra?: readonly string[];
  readonly claimTimeout?: number;
}

/** Starts the orchestrator (no worker of its own) in `orch/`, with the graph there. */
function startRush(graph: string, { extra = [], claimTimeout = 1 }: RunArgs = {}): Started {
  const orch = mkdir('orch');
  copyGraph(graph, orch);
  const args = ['rush', '--graph', graph, '--workers', '0', '--broker', redis.url, '--state-dir', 'state', '--claim-timeout', String(claimTimeout), ...extra];
  return startCli(args, { cwd: orch });
}

function startWorker(feature: string, cwdDir: string, { extra = [], claimTimeout = 1 }: RunArgs = {}): Started {
  const args = ['worker', '--broker', redis.url, '--feature', feature, '--cwd', cwdDir, '--claim-timeout', String(claimTimeout), ...extra];
  return startCli(args, { cwd: mkdir('worker-home') });
}

/** `status --json` as a document without the moment it was computed at. */
async function statusJson(args: string[], cwd: string): Promise<Record<string, unknown>> {
  const r = await runCli(['status', '--json', ...args], { cwd });
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  // When it was computed, and where its reader stood in its input (a byte offset, a stream id), are not figures of the run.
  delete (doc.metrics as Record<string, unknown>).computed_at;
  delete (doc.metrics as Record<string, unknown>).source;
  return doc;
}

/** The same run read from the broker in an empty directory, and from the orchestrator's state dir. */
async function assertSameFromBroker(feature: string, context = ''): Promise<Record<string, unknown>> {
  const third = mkdir('third');
  const remote = await statusJson(['--broker', redis.url, '--feature', feature], third);
  assert.equal(fs.readdirSync(third), [], 'status --broker writes nothing locally');
  const local = await statusJson(['--state-dir', 'state', '--feature', feature], path.join(dir, 'orch'));
  for (const key of ['metrics', 'tasks', 'workers', 'levels', 'current_level'] as const) assert.equal(remote[key], local[key], `${key}\n${context}`);
  return local;
}

/** Every event entry of the feature's stream, decoded. */
async function streamEvents(feature: string): Promise<{ producer: string; seq: number; type: string; data: Record<string, unknown> }[]> {
  const client = new Redis(redis.port, '127.0.0.1');
  try {
    const entries = (await client.xrange(runKeys(feature).events, '-', '+')) as [string, string[]][];
    return entries.map(([, fields]) => {
      const obj: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) obj[fields[i] as string] = fields[i + 1] as string;
      return { producer: obj.producer ?? '', seq: Number(obj.seq), type: obj.type ?? '', data: JSON.parse(obj.data ?? '{}') as Record<string, unknown> };
    });
  } finally {
    client.disconnect();
  }
}

/** Each producer's seqs on the stream are 1..n, none missing (duplicates allowed: readers dedupe). */
function assertNoGaps(events: { producer: string; seq: number }[]): void {
  const seqs = new Map<string, Set<number>>();
  for (const e of events) seqs.set(e.producer, (seqs.get(e.producer) ?? new Set()).add(e.seq));
  for (const [producer, set] of seqs) {
    const max = Math.max(...set);
    assert.is(set.size, max, `${producer}: ${max - set.size} of its ${max} events missing from the stream`);
  }
}

const workerOf = (m: Record<string, unknown>): Record<string, unknown>[] => m.worker_metrics as Record<string, unknown>[];

broker('a 3-level graph runs on three joining workers (one elsewhere); status --broker equals status on the state dir', async () => {
  const rush = startRush('broker.task-graph.json');
  const elsewhere = mkdir('other-host');
  const workers = [startWorker('brokered', path.join(dir, 'orch')), startWorker('brokered', path.join(dir, 'orch')), startWorker('brokered', elsewhere)];
  const r = await rush.result;
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /rush complete: 6 tasks in 3 levels/);
  for (const w of workers) assert.is((await w.result).code, 0, 'each worker leaves when the run ends');

  // Each task ran exactly once, in the directory of the worker that claimed it.
  for (const id of BROKER_TASKS) {
    const ran = [path.join(dir, 'orch'), elsewhere].map((d) => path.join(d, `${id}.ran`)).filter((f) => fs.existsSync(f));
    assert.is(ran.length, 1, `${id} ran in one place`);
    assert.is(fs.readFileSync(ran[0] as string, 'utf8').trim().split('\n').length, 1, `${id} ran once`);
  }

  const local = await assertSameFromBroker('brokered', r.stderr);
  const m = local.metrics as Record<string, unknown>;
  assert.equal([m.tasks_total, m.tasks_completed, m.tasks_failed, m.levels_completed, m.workers_used], [6, 6, 0, 3, 3]);
  assert.is(workerOf(m).reduce((n, w) => n + (w.tasks_completed as number), 0), 6);
  for (const w of workerOf(m)) assert.is(w.status, 'stopped', `worker ${w.worker_id} left`);

  // metrics export reads the broker as status does.
  const exported = await runCli(['metrics', 'export', '--broker', redis.url, '--feature', 'brokered'], { cwd: mkdir('third') });
  assert.is(exported.code, 0, exported.stderr);
  const { computed_at: _at, source: _source, ...figures } = JSON.parse(exported.stdout) as Record<string, unknown>;
  const { computed_at: _at2, ...localFigures } = m;
  assert.equal(figures, localFigures);

  // The local log holds the workers' events too, with their own producers: the state dir is the whole record.
  const producers = new Set(readEvents(path.join(dir, 'orch', 'state'), 'brokered').events.map((e) => e.producer));
  assert.ok(producers.size >= 4, `orchestrator + 3 workers, got ${[...producers].join(', ')}`);
});

broker('a worker killed mid-task: its task is taken over after the claim timeout, completes, and counts once', async () => {
  const rush = startRush('reclaim.task-graph.json');
  const victim = startWorker('reclaimed', path.join(dir, 'orch'));
  const stateDir = path.join(dir, 'orch', 'state');
  const started = await waitForEvents(stateDir, 'reclaimed', (events) => events.some((e) => e.type === 'task_started'));
  const victimId = started.find((e) => e.type === 'task_started')?.data.workerId;
  victim.child.kill('SIGKILL');
  await victim.result;
  const rescuer = startWorker('reclaimed', path.join(dir, 'orch'));
  const r = await rush.result;
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.is((await rescuer.result).code, 0);

  const local = await assertSameFromBroker('reclaimed', r.stderr);
  const m = local.metrics as Record<string, unknown>;
  assert.equal([m.tasks_completed, m.tasks_failed, m.workers_used], [1, 0, 2]);
  const victimMetrics = workerOf(m).find((w) => w.worker_id === victimId);
  assert.equal([victimMetrics?.status, victimMetrics?.tasks_completed, victimMetrics?.tasks_failed], ['crashed', 0, 0], 'the killed worker');
  assert.is(workerOf(m).reduce((n, w) => n + (w.tasks_completed as number), 0), 1, 'counted once');

  // The killed attempt is shown as interrupted (no failure), the task ran in two attempts.
  const failures = local.failures as { task_id: string; worker_id: number; attempt: number; error: string; recovered: boolean }[];
  assert.equal(failures.map((f) => [f.task_id, f.worker_id, f.attempt, f.recovered]), [['LONG-001', victimId, 1, true]]);
  assert.match(failures[0]?.error ?? '', new RegExp(`worker ${victimId} silent for 1s; LONG-001 taken over by worker \\d+`));
  assert.equal((local.tasks as { attempts: number; status: string }[]).map((t) => [t.status, t.attempts]), [['complete', 2]]);
  const events = await streamEvents('reclaimed');
  assert.equal(events.filter((e) => e.type === 'task_interrupted').map((e) => [e.data.task_id, e.data.worker_id]), [['LONG-001', victimId]]);
  assertNoGaps(events);
});

broker('Redis restarted mid-run (AOF on): the run completes, no event lost or counted twice, every worker leaves', async () => {
  // The feature of the first test again: its ended run is still in the broker when this one starts.
  const rush = startRush('broker.task-graph.json', { claimTimeout: 5 });
  // One worker process with two slots: two workers of their own.
  const workers = [startWorker('brokered', path.join(dir, 'orch'), { extra: ['--slots', '2'], claimTimeout: 5 }), startWorker('brokered', path.join(dir, 'orch'), { claimTimeout: 5 })];
  const stateDir = path.join(dir, 'orch', 'state');
  await waitForEvents(stateDir, 'brokered', (events) => events.some((e) => e.type === 'level_complete'));
  await redis.restart();
  // Awaited together: whichever does not finish is reported, and the others' outcomes are not left unhandled.
  const [r, ...left] = await Promise.all([rush.result, ...workers.map((w) => w.result)]);
  assert.is(r?.code, 0, `${r?.stderr}${r?.stdout}`);
  for (const w of left) assert.is(w.code, 0, w.stderr + w.stdout);

  const local = await assertSameFromBroker('brokered', r.stderr);
  const m = local.metrics as Record<string, unknown>;
  assert.equal([m.tasks_total, m.tasks_completed, m.tasks_failed, m.levels_completed, m.workers_used], [6, 6, 0, 3, 3]);
  assert.is(workerOf(m).reduce((n, w) => n + (w.tasks_completed as number), 0), 6, 'each completion counted once');
  for (const id of BROKER_TASKS) assert.is(fs.readFileSync(path.join(dir, 'orch', `${id}.ran`), 'utf8').trim().split('\n').length, 1, `${id} ran once`);

  // Nothing lost on the stream, and the local log has every event of every producer once.
  const events = await streamEvents('brokered');
  assertNoGaps(events);
  const keyOf = (e: { producer?: string | undefined; seq?: number | undefined }): string => `${e.producer}#${e.seq}`;
  const onStream = new Set(events.filter((e) => e.type !== 'worker_heartbeat').map(keyOf));
  const inLog = new Set(readEvents(stateDir, 'brokered').events.map(keyOf));
  assert.equal([...onStream].filter((k) => !inLog.has(k)), [], 'every event of the stream is in the local log');
});

broker('SIGINT stops the run: the workers cut their tasks short, recorded as interrupted, and leave', async () => {
  const rush = startRush('broker-watch.task-graph.json');
  const worker = startWorker('watched', path.join(dir, 'orch'), { extra: ['--slots', '2'] });
  const stateDir = path.join(dir, 'orch', 'state');
  await waitForEvents(stateDir, 'watched', (events) => events.filter((e) => e.type === 'task_started').length === 2);
  rush.child.kill('SIGINT');
  const r = await rush.result;
  assert.is(r.code, 130, r.stderr + r.stdout);
  assert.is((await worker.result).code, 0, 'the worker leaves when the run ends');
  const local = await assertSameFromBroker('watched', r.stderr);
  const failures = local.failures as { task_id: string; error: string; recovered: boolean }[];
  assert.equal(failures.map((f) => [f.task_id, f.error]).sort(), [['BW-L1-1', 'stopped'], ['BW-L1-2', 'stopped']]);
  const m = local.metrics as Record<string, unknown>;
  assert.equal([m.tasks_completed, m.tasks_failed], [0, 0], 'an interrupted attempt is no failure');
  for (const w of workerOf(m)) assert.is(w.status, 'stopped');
});

broker.run();
