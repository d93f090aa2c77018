import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { killAt } from '../helpers/crashPoint';
import { DEAD_PID } from '../helpers/deadPid';
import { tempDirInContext } from '../helpers/tempDir';
import { mulberry32 } from '../helpers/seededRandom';
import { FeatureMetrics } from '../../src/metrics/types';
import { listTemps } from '../../src/state/atomicWrite';
import type { PausePoint } from '../../src/state/pausePoint';
import { initialState, StateFile } from '../../src/state/codecs';
import {
  CorruptStateError,
  decodeStateBytes,
  fileSafeStamp,
  moveAside,
  readStateFile,
  StateAccessError,
  StateManager,
} from '../../src/state/stateManager';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'state');
const UPSTREAM = fs.readFileSync(path.join(FIXTURES, 'upstream-feature.json'));
const FEATURE = 'user-auth';
const NOW = Date.UTC(2026, 0, 27, 8, 45, 34, 512);


/** Every key path of a JSON value (`tasks.T-1.status`, `execution_log.0.data.level`...). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const p = prefix === '' ? k : `${prefix}.${k}`;
    return [p, ...keyPaths(v, p)];
  });
}

interface Ctx {
  dir: string;
}

const stateFile = (dir: string): string => path.join(dir, `${FEATURE}.json`);
const manager = (dir: string, extra: { naiveTz?: string; now?: () => number } = {}): StateManager =>
  new StateManager({ stateDir: dir, feature: FEATURE, now: () => NOW, ...extra });
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));


// ---------------------------------------------------------------------------------------------

const load = suite<Ctx>('StateManager.load');
tempDirInContext(load, 'mhb-state-');

load('a missing file gives the initial state', ({ dir }) => {
  assert.equal(manager(dir).load(), initialState(FEATURE));
  assert.not.ok(fs.existsSync(stateFile(dir)), 'loading does not create the file');
});

load("reads upstream's format: naive stamps, waiting_retry, unknown keys, no metrics, no task levels", ({ dir }) => {
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  const m = manager(dir);
  const state = m.load();
  assert.is(state.tasks?.['AUTH-L2-001']?.status, 'waiting_retry');
  assert.is(state.tasks?.['AUTH-L1-001']?.level, undefined);
  assert.is(state.metrics, undefined);
  assert.is((state as Record<string, unknown>).mode, 'subprocess');
  assert.is(m.getMetrics(), null);
});

load('an upstream file saves back without losing any key or value', async ({ dir }) => {
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  const m = manager(dir);
  m.load();
  await m.save();
  const original = JSON.parse(UPSTREAM.toString('utf8')) as unknown;
  const saved = readJson(stateFile(dir));
  assert.equal(keyPaths(saved).sort(), keyPaths(original).sort());
  assert.equal(saved, original);
});

load('unknown keys at every level survive setters and a save', async ({ dir }) => {
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  const m = manager(dir);
  m.load();
  m.recordTaskStarted('AUTH-L2-001', 0, NOW);
  m.recordTaskCompleted('AUTH-L2-001', NOW + 1000);
  m.recordWorkerStopped(1, NOW + 2000);
  m.recordLevelComplete(2, NOW + 3000);
  m.saveSync();
  const before = new Set(keyPaths(JSON.parse(UPSTREAM.toString('utf8'))));
  const after = new Set(keyPaths(readJson(stateFile(dir))));
  for (const key of before) assert.ok(after.has(key), `${key} was lost`);
  const task = (readJson(stateFile(dir)) as StateFile).tasks?.['AUTH-L2-001'] as Record<string, unknown>;
  assert.is(task.next_retry_at, '2026-01-27T08:48:40.500000');
  assert.is(task.status, 'complete');
});

const CORRUPT: ReadonlyArray<readonly [string, () => Buffer, RegExp]> = [
  ['zero-byte', () => Buffer.alloc(0), /empty file/],
  ['truncated', () => UPSTREAM.subarray(0, Math.floor(UPSTREAM.length / 2)), /invalid JSON/],
  [
    'binary',
    () => {
      const rand = mulberry32(7);
      return Buffer.from(Array.from({ length: 4096 }, (_, i) => (i % 97 === 0 ? 0 : Math.floor(rand() * 256))));
    },
    /binary data/,
  ],
  ['a JSON array', () => Buffer.from('[1, 2, 3]\n'), /not a state file: expected a JSON object, got an array/],
  ['the wrong shape', () => Buffer.from('{"feature": "user-auth", "tasks": {"T-1": {"status": "done"}}}'), /not a state file: tasks\.T-1/],
  ['no feature', () => Buffer.from('{"tasks": {}}'), /not a state file: feature/],
];

for (const [what, bytesOf, reason] of CORRUPT) {
  load(`a ${what} file is moved aside with its bytes, with a clear error`, async ({ dir }) => {
    const bytes = bytesOf();
    const file = stateFile(dir);
    fs.writeFileSync(file, bytes);
    const m = manager(dir);
    let error: unknown;
    try {
      m.load();
    } catch (err) {
      error = err;
    }
    assert.instance(error, CorruptStateError);
    const e = error as CorruptStateError;
    assert.is(e.file, file);
    assert.match(e.reason, reason);
    assert.is(e.corruptPath, `${file}.corrupt-2026-01-27T08-45-34-512Z`);
    assert.not.match(e.message, /\n/);
    assert.ok(e.message.includes(file) && e.message.includes(e.reason) && e.message.includes(e.corruptPath), e.message);
    assert.ok(fs.readFileSync(e.corruptPath).equals(bytes), 'the corrupt copy keeps the original bytes');
    assert.not.ok(fs.existsSync(file), 'the corrupt file is moved, not copied');
    // The writer carries on from the initial state; its next save does not touch the copy.
    assert.equal(m.state, initialState(FEATURE));
    await m.save();
    assert.equal(readJson(file), initialState(FEATURE));
    assert.ok(fs.readFileSync(e.corruptPath).equals(bytes));
  });
}

load('never overwrites an earlier corrupt copy of the same moment', ({ dir }) => {
  const file = stateFile(dir);
  const earlier = `${file}.corrupt-${fileSafeStamp(NOW)}`;
  fs.writeFileSync(earlier, 'earlier copy');
  fs.writeFileSync(file, '{"feature": ');
  let error: unknown;
  try {
    manager(dir).load();
  } catch (err) {
    error = err;
  }
  assert.instance(error, CorruptStateError);
  assert.is((error as CorruptStateError).corruptPath, `${earlier}-1`);
  assert.is(fs.readFileSync(earlier, 'utf8'), 'earlier copy');
  assert.is(fs.readFileSync(`${earlier}-1`, 'utf8'), '{"feature": ');
});

load('an unreadable path is an access error and nothing is moved', ({ dir }) => {
  fs.mkdirSync(stateFile(dir));
  assert.throws(() => manager(dir).load(), (err: unknown) => err instanceof StateAccessError && /EISDIR/.test((err as Error).message));
  assert.ok(fs.statSync(stateFile(dir)).isDirectory());
  assert.equal(fs.readdirSync(dir), [`${FEATURE}.json`]);
});

load('removes temp files left by a dead writer of this feature only', ({ dir }) => {
  const pid = DEAD_PID;
  const mine = path.join(dir, `.${FEATURE}.json.${pid}.0a1b2c.tmp`);
  const other = path.join(dir, `.other.json.${pid}.0a1b2c.tmp`);
  fs.writeFileSync(mine, '{"half": ');
  fs.writeFileSync(other, '{"half": ');
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  manager(dir).load();
  assert.not.ok(fs.existsSync(mine));
  assert.ok(fs.existsSync(other));
});

load.run();

// ---------------------------------------------------------------------------------------------

const read = suite<Ctx>('StateManager.read / readStateFile');
tempDirInContext(read, 'mhb-state-');

read('a missing file reads as null', ({ dir }) => {
  assert.equal(manager(dir).read(), E.right(null));
  assert.equal(readStateFile(stateFile(dir)), E.right(null));
});

read('a state file reads as its state', ({ dir }) => {
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  const r = manager(dir).read();
  assert.ok(E.isRight(r) && r.right?.feature === 'user-auth');
});

read('a corrupt file is an error, and is left where it is, byte for byte', ({ dir }) => {
  const bytes = Buffer.from('{"feature": "user-auth", "tas');
  fs.writeFileSync(stateFile(dir), bytes);
  const r = manager(dir).read();
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.kind, 'corrupt');
    assert.is(r.left.file, stateFile(dir));
    assert.match(r.left.reason, /invalid JSON/);
  }
  assert.equal(fs.readdirSync(dir), [`${FEATURE}.json`]);
  assert.ok(fs.readFileSync(stateFile(dir)).equals(bytes));
});

read('an I/O failure is an io error', ({ dir }) => {
  fs.mkdirSync(stateFile(dir));
  const r = readStateFile(stateFile(dir));
  assert.ok(E.isLeft(r) && r.left.kind === 'io' && /EISDIR/.test(r.left.reason));
});

read('never removes temp files (readers do not write)', ({ dir }) => {
  const temp = path.join(dir, `.${FEATURE}.json.${DEAD_PID}.abcdef.tmp`);
  fs.writeFileSync(temp, 'x');
  manager(dir).read();
  assert.ok(fs.existsSync(temp));
});

read.run();

const decodeBytes = suite('decodeStateBytes');

decodeBytes('names why bytes are not a state file', () => {
  const reasonOf = (text: string | Buffer): string => {
    const r = decodeStateBytes(Buffer.isBuffer(text) ? text : Buffer.from(text));
    return E.isLeft(r) ? r.left : 'decoded';
  };
  assert.match(reasonOf(''), /^empty file/);
  assert.match(reasonOf(Buffer.from([0x7b, 0x00, 0x7d])), /^binary data/);
  assert.match(reasonOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /^binary data/);
  assert.match(reasonOf('{"feature": "f",'), /^invalid JSON/);
  assert.match(reasonOf('null'), /got null/);
  assert.match(reasonOf('"text"'), /got string/);
  assert.is(reasonOf('{"feature": "f"}'), 'decoded');
  assert.is(reasonOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"feature": "f"}')])), 'decoded', 'a UTF-8 byte-order mark is skipped');
});

decodeBytes('what the codec accepts decodes to itself, and what it rejects is named, whatever the values (the guard first, decoding for the reason)', () => {
  const stamp = fc.oneof(fc.constant('2026-01-27T08:45:34.512733'), fc.constant(null), fc.anything());
  const task = fc.record(
    {
      status: fc.oneof(fc.constantFrom('complete', 'failed', 'waiting_retry', 'todo'), fc.anything()),
      worker_id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.anything()),
      claimed_at: stamp,
      duration_ms: fc.oneof(fc.double(), fc.constant(null), fc.anything()),
      retry_count: fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double(), fc.anything()),
      level: fc.oneof(fc.nat(), fc.constant(null), fc.constant(1.5)),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const state = fc.record(
    {
      feature: fc.oneof(fc.string(), fc.anything()),
      started_at: stamp,
      tasks: fc.oneof(fc.dictionary(fc.string(), task, { maxKeys: 4 }), fc.anything()),
      workers: fc.dictionary(fc.string(), fc.record({ status: fc.constantFrom('running', 'stopped', 'asleep'), lifetimes: fc.anything() }, { requiredKeys: ['status'] }), { maxKeys: 3 }),
      execution_log: fc.oneof(fc.array(fc.record({ timestamp: fc.string(), event: fc.string(), data: fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.anything())) })), fc.anything()),
      metrics: fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.integer()), fc.anything()),
      paused: fc.oneof(fc.boolean(), fc.anything()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(state, (value) => {
      const text = JSON.stringify(value);
      if (text === undefined) return;
      const parsed: unknown = JSON.parse(text);
      const read = decodeStateBytes(Buffer.from(text));
      const decoded = StateFile.decode(parsed);
      assert.is(E.isRight(read), E.isRight(decoded), text);
      if (E.isRight(read) && E.isRight(decoded)) assert.equal(read.right, decoded.right);
      if (E.isLeft(read)) assert.match(read.left, /^not a state file: /);
    }),
    { seed: 14, numRuns: 400 },
  );
});

decodeBytes.run();

// ---------------------------------------------------------------------------------------------

const save = suite<Ctx>('StateManager.save / saveSync');
tempDirInContext(save, 'mhb-state-');

save('writes indented JSON with a final newline, and creates the state dir', async ({ dir }) => {
  const nested = path.join(dir, 'a', 'b');
  const m = new StateManager({ stateDir: nested, feature: FEATURE });
  m.load();
  await m.save();
  const text = fs.readFileSync(path.join(nested, `${FEATURE}.json`), 'utf8');
  assert.is(text, `${JSON.stringify(initialState(FEATURE), null, 2)}\n`);
});

save('saves land in call order: the last call wins', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  const state = m.state as Record<string, unknown>;
  const saves: Promise<void>[] = [];
  for (let i = 1; i <= 5; i++) {
    state.x_seq = i;
    saves.push(m.save());
  }
  await Promise.all(saves);
  assert.is((readJson(stateFile(dir)) as Record<string, unknown>).x_seq, 5);
});

save('each save writes the state as it was when called', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  (m.state as Record<string, unknown>).x_seq = 1;
  const pending = m.save();
  (m.state as Record<string, unknown>).x_seq = 2;
  await pending;
  assert.is((readJson(stateFile(dir)) as Record<string, unknown>).x_seq, 1);
});

save('a sync flush is not overwritten by an older async save', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  (m.state as Record<string, unknown>).x_seq = 1;
  const older = m.save();
  (m.state as Record<string, unknown>).x_seq = 2;
  m.saveSync();
  await older;
  await m.idle();
  assert.is((readJson(stateFile(dir)) as Record<string, unknown>).x_seq, 2);
  assert.equal(listTemps(dir, `${FEATURE}.json`), []);
});

save('a failed save rejects, leaves no temp file, and later saves still work', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  fs.mkdirSync(stateFile(dir)); // a directory where the file should go: the rename fails
  let failed = false;
  await m.save().catch(() => {
    failed = true;
  });
  assert.ok(failed, 'the save should reject');
  assert.equal(listTemps(dir, `${FEATURE}.json`), []);
  fs.rmdirSync(stateFile(dir));
  (m.state as Record<string, unknown>).x_seq = 9;
  await m.save();
  assert.is((readJson(stateFile(dir)) as Record<string, unknown>).x_seq, 9);
});

save('save then load gives the same state', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  m.recordRunStarted(NOW);
  m.recordTaskCreated('T-1', 1, NOW);
  m.recordTaskClaimed('T-1', 3, NOW + 10);
  await m.save();
  assert.equal(manager(dir).load(), m.state);
});

save.run();

// ---------------------------------------------------------------------------------------------

const setters = suite<Ctx>('StateManager recording API');
tempDirInContext(setters, 'mhb-state-');

setters('recordTaskClaimed sets claimed_at (UTC Z), worker_id and status, and the worker current task', ({ dir }) => {
  const m = manager(dir);
  m.load();
  m.recordTaskClaimed('T-1', 2, NOW + 1);
  assert.equal(m.state.tasks?.['T-1'], { status: 'claimed', worker_id: 2, claimed_at: '2026-01-27T08:45:34.513Z', updated_at: '2026-01-27T08:45:34.513Z' });
  assert.is(m.state.workers?.['2']?.current_task, 'T-1');
});

setters('accepts a Date or epoch ms, and defaults to the injected clock', ({ dir }) => {
  const m = manager(dir);
  m.recordTaskClaimed('A', 1, new Date(NOW));
  m.recordTaskClaimed('B', 1, NOW);
  m.recordTaskClaimed('C', 1);
  for (const id of ['A', 'B', 'C']) assert.is(m.state.tasks?.[id]?.claimed_at, '2026-01-27T08:45:34.512Z', id);
});

setters('records every timestamp the metrics need', ({ dir }) => {
  const m = manager(dir);
  const at = (s: number): number => NOW + s * 1000;
  const z = (s: number): string => new Date(at(s)).toISOString();
  m.recordRunStarted(at(0));
  m.recordWorkerStarted(1, at(1));
  m.recordWorkerReady(1, at(2));
  m.recordLevelStarted(1, at(3));
  m.recordTaskCreated('T-1', 1, at(3));
  m.recordTaskClaimed('T-1', 1, at(4));
  m.recordTaskStarted('T-1', 1, at(5));
  m.recordTaskDuration('T-1', 4000);
  m.recordTaskVerificationDuration('T-1', 500);
  m.recordTaskCompleted('T-1', at(9));
  m.recordTaskCreated('T-2', 1, at(3));
  m.recordTaskClaimed('T-2', 1, at(10));
  m.recordTaskStarted('T-2', 1, at(11));
  m.recordTaskFailed('T-2', 'tests failed', at(12));
  m.recordLevelComplete(1, at(13), 'failed');
  m.recordWorkerStopped(1, at(14));
  const s = m.state;
  assert.is(s.started_at, z(0));
  assert.equal(s.tasks?.['T-1'], {
    status: 'complete',
    level: 1,
    created_at: z(3),
    worker_id: 1,
    claimed_at: z(4),
    started_at: z(5),
    duration_ms: 4000,
    verification_duration_ms: 500,
    completed_at: z(9),
    error: null,
    updated_at: z(9),
  });
  assert.equal(s.tasks?.['T-2'], {
    status: 'failed',
    level: 1,
    created_at: z(3),
    worker_id: 1,
    claimed_at: z(10),
    started_at: z(11),
    failed_at: z(12),
    error: 'tests failed',
    updated_at: z(12),
  });
  assert.equal(s.workers?.['1'], {
    worker_id: 1,
    status: 'stopped',
    tasks_completed: 1,
    started_at: z(1),
    ready_at: z(2),
    current_task: null,
    last_task_completed_at: z(9),
    stopped_at: z(14),
  });
  assert.equal(s.levels?.['1'], { status: 'failed', started_at: z(3), completed_at: z(13) });
  assert.is(s.current_level, 1);
  // Everything written decodes, and as UTC.
  assert.ok(E.isRight(StateFile.decode(JSON.parse(JSON.stringify(s)))));
  for (const p of keyPaths(s)) if (/_at$/.test(p)) assert.match(String(p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s)), /Z$/, p);
});

setters('recordRunStarted keeps the first start', ({ dir }) => {
  const m = manager(dir);
  m.recordRunStarted(NOW);
  m.recordRunStarted(NOW + 5000);
  assert.is(m.state.started_at, '2026-01-27T08:45:34.512Z');
});

setters('a worker can end as crashed', ({ dir }) => {
  const m = manager(dir);
  m.recordWorkerStarted(4, NOW);
  m.recordWorkerStopped(4, NOW + 1, 'crashed');
  assert.is(m.state.workers?.['4']?.status, 'crashed');
  assert.is(m.state.workers?.['4']?.stopped_at, '2026-01-27T08:45:34.513Z');
});

setters('recordTaskCreated keeps the status of a task already known', ({ dir }) => {
  fs.writeFileSync(stateFile(dir), UPSTREAM);
  const m = manager(dir);
  m.load();
  m.recordTaskCreated('AUTH-L2-001', 2, NOW);
  assert.is(m.state.tasks?.['AUTH-L2-001']?.status, 'waiting_retry');
  assert.is(m.state.tasks?.['AUTH-L2-001']?.level, 2);
});

setters('epochOf reads naive stamps in naiveTz: a naive and a Z stamp of the same instant give 0 in UTC', ({ dir }) => {
  const utc = manager(dir, { naiveTz: 'UTC' });
  const naive = utc.epochOf('2026-01-27T08:45:34.512733');
  const aware = utc.epochOf('2026-01-27T08:45:34.512733Z');
  assert.ok(naive !== null && aware !== null);
  assert.is((naive as number) - (aware as number), 0);
  const berlin = manager(dir, { naiveTz: 'Europe/Berlin' });
  assert.is(berlin.epochOf('2026-01-27T09:45:34.512'), NOW);
  assert.is(berlin.epochOf(null), null);
  assert.is(berlin.epochOf('not a time'), null);
});

setters.run();

// ---------------------------------------------------------------------------------------------

const metrics = suite<Ctx>('StateManager.storeMetrics / getMetrics');
tempDirInContext(metrics, 'mhb-state-');

const FEATURE_METRICS: FeatureMetrics = {
  computedAt: '2026-01-27T09:00:00.000Z',
  totalDurationMs: 900000,
  workersUsed: 2,
  tasksTotal: 5,
  tasksCompleted: 2,
  tasksFailed: 0,
  levelsCompleted: 1,
  workerMetrics: [
    { workerId: 0, initializationMs: 4800, uptimeMs: 900000, tasksCompleted: 1, tasksFailed: 1, totalTaskDurationMs: 81733, avgTaskDurationMs: 81733 },
  ],
  levelMetrics: [
    { level: 1, durationMs: 84000, taskCount: 2, completedCount: 2, failedCount: 0, avgTaskDurationMs: 65216.5, p50DurationMs: 65216, p95DurationMs: 80431 },
  ],
  p99DurationMs: 81472,
  source: { eventsOffset: 1234, seqHwm: { 'orch-1': 40 } },
};

metrics('stores the snake_case dict and reads back the same metrics', async ({ dir }) => {
  const m = manager(dir);
  m.load();
  m.storeMetrics(FEATURE_METRICS);
  assert.equal(m.state.metrics, FeatureMetrics.encode(FEATURE_METRICS) as unknown as Record<string, unknown>);
  assert.is((m.state.metrics as Record<string, unknown>).computed_at, '2026-01-27T09:00:00.000Z');
  assert.equal(m.getMetrics(), FEATURE_METRICS);
  await m.save();
  const reloaded = manager(dir);
  reloaded.load();
  assert.equal(reloaded.getMetrics(), FEATURE_METRICS);
});

metrics('null when there are none', ({ dir }) => {
  const m = manager(dir);
  m.load();
  assert.is(m.getMetrics(), null);
});

metrics('null when the stored dict does not decode, while the state itself stays readable', ({ dir }) => {
  fs.writeFileSync(stateFile(dir), JSON.stringify({ feature: FEATURE, metrics: { computed_at: 5, workers_used: 'two' } }));
  const m = manager(dir);
  m.load();
  assert.is(m.getMetrics(), null);
});

metrics("fills the defaults of a seed-era dict (upstream's from_dict)", ({ dir }) => {
  fs.writeFileSync(stateFile(dir), JSON.stringify({ feature: FEATURE, metrics: { computed_at: '2026-01-27T09:00:00', tasks_total: 5, worker_metrics: [{ worker_id: 2 }] } }));
  const m = manager(dir);
  m.load();
  const got = m.getMetrics();
  assert.is(got?.tasksTotal, 5);
  assert.is(got?.workersUsed, 0);
  assert.equal(got?.levelMetrics, []);
  assert.is(got?.workerMetrics[0]?.uptimeMs, 0);
});

metrics.run();

// ---------------------------------------------------------------------------------------------

const aside = suite<Ctx>('moveAside');
tempDirInContext(aside, 'mhb-state-');

aside('renames to a file-safe UTC stamp and never replaces an existing file', ({ dir }) => {
  const file = path.join(dir, 'f.json');
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    fs.writeFileSync(file, `copy ${i}`);
    names.push(path.basename(moveAside(file, NOW)));
  }
  assert.equal(names, ['f.json.corrupt-2026-01-27T08-45-34-512Z', 'f.json.corrupt-2026-01-27T08-45-34-512Z-1', 'f.json.corrupt-2026-01-27T08-45-34-512Z-2']);
  for (let i = 0; i < 3; i++) assert.is(fs.readFileSync(path.join(dir, names[i] as string), 'utf8'), `copy ${i}`);
  assert.not.match(names[0] as string, /:/);
});

aside.run();

// ---------------------------------------------------------------------------------------------

const kill = suite<Ctx>('StateManager under SIGKILL');
tempDirInContext(kill, 'mhb-state-');

/** Runs the built package (`dist/`; `npm test` builds it first). */
const SAVER = path.join(FIXTURES, 'stateSaver.js');

/** The `x_save_seq` of a state file's bytes (they must decode). */
function saveSeqOf(bytes: Buffer, what: string): number {
  const decoded = decodeStateBytes(bytes);
  if (E.isLeft(decoded)) throw new Error(`${what} does not decode: ${decoded.left}`);
  return Number((decoded.right as Record<string, unknown>).x_save_seq);
}

/** Saves the saver finished (printed) before it was killed: 1, 2, ... */
const acked = (stdout: string): number[] => stdout.split('\n').filter(Boolean).map(Number);

/** Odd saves are `saveSync()`, even ones `save()`: 1 is the first save (no file yet). */
const KILLS: ReadonlyArray<readonly [PausePoint, number, string]> = [
  ['before-rename', 1, 'the first save (no file yet)'],
  ['before-rename', 3, 'a saveSync()'],
  ['before-rename', 4, 'a save()'],
  ['after-rename', 1, 'the first save'],
  ['after-rename', 3, 'a saveSync()'],
  ['after-rename', 4, 'a save()'],
];

for (const [point, nth, what] of KILLS) {
  kill(`killed ${point} in ${what}: the file holds the last whole save, and the next start leaves nothing else`, async ({ dir }) => {
    const { stdout } = await killAt([SAVER, dir, FEATURE], { point, nth });
    assert.equal(acked(stdout), Array.from({ length: nth - 1 }, (_, i) => i + 1), 'the saves before it finished, this one did not');
    const file = stateFile(dir);
    const temps = listTemps(dir, `${FEATURE}.json`);
    if (point === 'before-rename') {
      // The new save is whole in its temp file; the target is still the previous save, or absent.
      assert.is(temps.length, 1, 'the temp file of the save cut short');
      assert.is(saveSeqOf(fs.readFileSync(temps[0] as string), 'the temp file'), nth);
      if (nth === 1) assert.not.ok(fs.existsSync(file), 'no state file before the first save lands');
      else assert.is(saveSeqOf(fs.readFileSync(file), 'the state file'), nth - 1);
    } else {
      assert.equal(temps, [], 'the rename took the temp file');
      assert.is(saveSeqOf(fs.readFileSync(file), 'the state file'), nth);
    }
    const next = new StateManager({ stateDir: dir, feature: FEATURE });
    const state = next.load() as Record<string, unknown>;
    const landed = point === 'before-rename' ? nth - 1 : nth;
    assert.is(state.x_save_seq, landed === 0 ? undefined : landed, 'the next start reads the last save that landed');
    assert.equal(fs.readdirSync(dir), landed === 0 ? [] : [`${FEATURE}.json`], 'nothing but the state file after the next start');
  });
}

kill.run();
