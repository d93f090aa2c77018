/**
 * DESIGN §8: values outside what a run can hold are rejected as `out_of_range`, counted, and never
 * shown — from the events log (both decoding paths), the clock-relative check, the reducer (events
 * from a state file), the stored checkpoint, and a state file nested too deep.
 */
import * as E from 'fp-ts/Either';
import type { LifecycleEvent } from '../../src/events/codecs';
import { fromStateItem, madeEvent } from '../../src/sources/inputs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeLine } from '../../src/events/decode';
import { decodeLineFast, readLine } from '../../src/events/fastDecode';
import { MAX_TIMESTAMP_MS } from '../../src/events/range';
import { reduce } from '../../src/metrics/reducer';
import { createRunState } from '../../src/metrics/runState';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import { checkpointOf, restoreRunState } from '../../src/metrics/checkpoint';
import { nestsDeeperThan } from '../../src/codecs/jsonDepth';
import { eventsPath, statePath } from '../../src/state/layout';
import { decodeStateBytes } from '../../src/state/stateManager';
import { replayLog, savedState } from '../helpers/processorRuns';
import { withTempDir } from '../helpers/tempDir';
import { runCli } from '../orchestrator/cliHarness';

const T = '2026-01-27T08:00:00.000Z';
const line = (type: string, data: Record<string, unknown>, timestamp = T, seq = 1): string =>
  JSON.stringify({ timestamp, type, data, feature: 'r', producer: 'p', seq });

/** Each case the design names, as a line we could have written. */
const OUT_OF_RANGE: ReadonlyArray<readonly [string, string]> = [
  ['a stamp before 1970', line('worker_started', { worker_id: 1 }, '1969-12-31T23:59:59.000Z')],
  ['a stamp past 9999', line('worker_started', { worker_id: 1 }, '9999-12-31T23:59:59.000-05:00')],
  ['a duration over 30 days', line('task_complete', { task_id: 'A', worker_id: 1, duration_ms: 1e304 })],
  ['a negative duration over 30 days', line('verification_passed', { task_id: 'A', worker_id: 1, duration_ms: -2_600_000_000 })],
  ['a worker id over 1e6', line('worker_started', { worker_id: 1e23 })],
  ['a declared total over 1e9', line('rush_started', { workers: 3, total_tasks: 1e12 })],
  ['a level over 1e6', line('task_created', { task_id: 'A', level: 2_000_000 })],
];

const range = suite('out-of-range values');

range('are rejected as out_of_range by the decoder, on each path alike', () => {
  for (const [what, l] of OUT_OF_RANGE) {
    const slow = decodeLine(l);
    assert.ok(E.isLeft(slow) && slow.left.reason === 'out_of_range', `${what}: ${JSON.stringify(slow)}`);
    assert.equal(decodeLineFast(l), slow, `${what}: the fast path agrees`);
    const b = Buffer.from(`${l}\n`);
    assert.is(readLine(b, 0, b.length - 1), undefined, `${what}: not read in place`);
  }
});

range('values at the bounds are kept', () => {
  const inRange = [
    line('worker_started', { worker_id: 1_000_000 }, '1970-01-01T00:00:00.000Z'),
    line('task_complete', { task_id: 'A', worker_id: 1, duration_ms: 30 * 86_400_000 }),
    line('rush_started', { workers: 3, total_tasks: 1_000_000_000 }, new Date(MAX_TIMESTAMP_MS).toISOString()),
  ];
  for (const l of inRange) assert.ok(E.isRight(decodeLine(l)), l);
});

range('an out-of-range event a source made (a state file, the orchestrator) is counted instead of folded', () => {
  const state = createRunState('r');
  const events: LifecycleEvent[] = [
    { type: 'worker_started', ts: Date.parse(T), data: { workerId: 1e23 } },
    { type: 'worker_started', ts: 9e15, data: { workerId: 2 } },
    { type: 'worker_started', ts: Date.parse(T), data: { workerId: 3 } },
  ];
  const inputs = [fromStateItem({ kind: 'event', event: events[0] as LifecycleEvent }), madeEvent(events[1] as LifecycleEvent, 'in_process'), madeEvent(events[2] as LifecycleEvent, 'in_process')];
  assert.equal(inputs.map((i) => i?.kind), ['rejected', 'rejected', 'event']);
  for (const input of inputs) if (input?.kind === 'event' || input?.kind === 'rejected') reduce(state, input);
  const snap = snapshotOf(state, Date.parse(T) + 1000);
  assert.equal(snap.metrics.workerMetrics.map((w) => w.workerId), [3]);
  assert.is(snap.ingest.invalidLines.out_of_range, 2);
});

range('a checkpoint holding a figure out of range is refused as such', () => {
  const state = createRunState('r');
  reduce(state, { kind: 'event', event: { type: 'worker_started', ts: Date.parse(T), data: { workerId: 1 } } });
  const good = JSON.parse(JSON.stringify(checkpointOf(state))) as { lastEventAt: number; workers: { id: number }[] };
  assert.ok(E.isRight(restoreRunState(good)));
  for (const damage of [(c: typeof good) => (c.lastEventAt = 9e15), (c: typeof good) => ((c.workers[0] as { id: number }).id = 1e23)]) {
    const bad = JSON.parse(JSON.stringify(good)) as typeof good;
    damage(bad);
    const r = restoreRunState(bad);
    assert.ok(E.isLeft(r) && r.left.outOfRange, JSON.stringify(r));
  }
  const r = restoreRunState({ ...good, version: 0 });
  assert.ok(E.isLeft(r) && !r.left.outOfRange, 'a wrong shape is not a range problem');
});

range('a state file nested deeper than 64 levels is not a state file (no stack overflow)', () => {
  assert.not.ok(nestsDeeperThan(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`));
  assert.ok(nestsDeeperThan(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`));
  assert.not.ok(nestsDeeperThan(`{"a":"${'['.repeat(100)}"}`), 'brackets in strings do not count');
  const deep = Buffer.from(`{"feature":"r","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  const r = decodeStateBytes(deep);
  assert.ok(E.isLeft(r) && /out_of_range: nested deeper than 64 levels/.test(r.left));
});

range('a deep state file beside its log takes the corrupt-state path: kept aside, rebuilt from the log', async () => {
  await withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, 'r'), `${line('worker_started', { worker_id: 1 })}\n`);
    fs.writeFileSync(statePath(dir, 'r'), `{"feature":"r","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const p = await replayLog(dir, { feature: 'r', now: Date.parse(T) + 1000 });
    assert.is(p.snapshot().ingest.stateRecoveries, 1);
    assert.equal(p.snapshot().metrics.workerMetrics.map((w) => w.workerId), [1]);
    assert.ok(fs.readdirSync(dir).some((n) => n.startsWith('r.json.corrupt-')), 'the deep file is kept aside');
    assert.is(savedState(dir, 'r').feature, 'r');
  });
});

range('status counts every case and shows no absurd figure; a stamp over a day ahead is out of range too', async () => {
  await withTempDir(async (dir) => {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir);
    const now = Date.now();
    const good = [
      line('rush_started', { workers: 1, total_tasks: 1 }, new Date(now - 5000).toISOString(), 100),
      line('worker_started', { worker_id: 1 }, new Date(now - 4000).toISOString(), 101),
    ];
    const ahead = line('worker_started', { worker_id: 2 }, new Date(now + 2 * 86_400_000).toISOString(), 102);
    const bad = OUT_OF_RANGE.map(([, l], i) => l.replace('"seq":1', `"seq":${i + 1}`));
    fs.writeFileSync(eventsPath(stateDir, 'r'), `${[...good, ...bad, ahead].join('\n')}\n`);
    const json = await runCli(['status', '--json', '--feature', 'r', '--state-dir', stateDir], { cwd: dir });
    assert.is(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { ingest: { invalid_lines: Record<string, number>; future_timestamps: number }; workers: unknown[] };
    assert.is(doc.ingest.invalid_lines.out_of_range, OUT_OF_RANGE.length + 1);
    assert.is(doc.ingest.future_timestamps, 0);
    const text = await runCli(['status', '--feature', 'r', '--state-dir', stateDir], { cwd: dir });
    assert.is(text.code, 0, text.stderr);
    // The figures (before the warnings, which say what was rejected and why).
    const figures = text.stdout.slice(0, text.stdout.indexOf('⚠'));
    assert.not.match(figures, /e\+\d|1e\d|Infinity|NaN|\d{6}-\d\d-\d\d/, figures);
    assert.match(text.stdout, /out_of_range 8/);
  });
});

range('a state file with a stamp past the year 9999 counts it as out_of_range instead of dropping the task silently', async () => {
  await withTempDir(async (dir) => {
    const task = (completedAt: string) => ({ status: 'complete', worker_id: 1, level: 1, created_at: T, claimed_at: T, started_at: T, completed_at: completedAt });
    const state = {
      feature: 'r',
      started_at: T,
      tasks: { A: task('+275760-09-13T00:00:00.001Z'), B: task('2026-01-27T08:00:02.000Z') },
      workers: { '1': { status: 'stopped', worker_id: 1, started_at: T, ready_at: T } },
      levels: { '1': { status: 'complete' } },
    };
    fs.writeFileSync(statePath(dir, 'r'), JSON.stringify(state));
    const json = await runCli(['status', '--json', '--feature', 'r', '--state-dir', dir], { cwd: dir });
    assert.is(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { ingest: { invalid_lines: Record<string, number> } };
    assert.is(doc.ingest.invalid_lines.out_of_range, 1);
    assert.match(json.stderr, /a timestamp past the year 9999 \(out_of_range\)/);
  });
});

range.run();
