import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReducerInput } from '../../../src/metrics/reducer';
import { createRunState } from '../../../src/metrics/runState';
import { snapshotOf } from '../../../src/metrics/snapshotOf';
import type { RecentEvent, RunSnapshot } from '../../../src/metrics/snapshot';
import { tableLines } from '../../../src/views/dashboard/table';
import { cutSegments, levelWords } from '../../../src/views/dashboard/header';
import { dashboardModel, tooSmallMessage, type DashboardModelOptions } from '../../../src/views/dashboard/viewModel';
import { snapshotBasis } from '../../../src/views/dashboard/snapshotBasis';
import { workerTasksOf } from '../../../src/views/dashboard/workerTasks';
import { formatDuration } from '../../../src/views/format';
import { formatWholeSeconds } from '../../../src/views/dashboard/time';
import { statusModel } from '../../../src/views/statusModel';
import { snapshotOfEvents } from '../textRuns';
import { complete, fixtureInputs, fold, midway, T0 } from './helpers';

const PHASE_WORD = { done: 'complete', running: 'running', pending: 'pending', failed: 'failed', stopped: 'stopped' } as const;

const base: DashboardModelOptions = { now: T0 + 7_000, stallAfterMs: 120_000, selectedWorker: null, paused: false, width: 120, height: 40, timeZone: 'UTC' };
const model = (snapshot: RunSnapshot, options: Partial<DashboardModelOptions> = {}) => dashboardModel(snapshot, { ...base, ...options });
const text = (segments: readonly { text: string }[]): string => segments.map((s) => s.text).join('');

const header = suite('dashboardModel: header');

header('names the feature, the run state and the progress', () => {
  const h = model(midway()).header;
  assert.is(h.feature, 'dash-demo');
  assert.is(h.state, 'running');
  assert.is(h.progress, '4/8 (50%)');
  assert.is(h.fraction, 0.5);
  assert.is(h.done, 4);
  // L2-C's latest outcome is a failure (its retry is running).
  assert.is(h.failed, 1);
  assert.is(h.total, 8);
});

header('without a declared size, shows what is done but no fraction and no ETA (as status says "total unknown")', () => {
  // The same run as an upstream state would give it: no rush_started, so no total_tasks.
  const undeclared = fold(fixtureInputs('run-midway.jsonl').filter((i) => i.kind !== 'event' || i.event.type !== 'rush_started'), T0 + 7_000);
  assert.is(undeclared.sizeKnown, false);
  const h = model(undeclared).header;
  assert.is(h.progress, '4/?');
  assert.is(h.fraction, 0);
  assert.is(h.eta, null);
  assert.is(model(midway()).header.progress, '4/8 (50%)', 'declared: as before');
});

header('takes the run size from the task graph, as status does, and counts its unseen level in the ETA', () => {
  const undeclared = fold(fixtureInputs('run-midway.jsonl').filter((i) => i.kind !== 'event' || i.event.type !== 'rush_started'), T0 + 7_000);
  // The graph has the tasks seen, and two more in a level not started yet.
  const graph = { feature: 'dash-demo', tasks: [...undeclared.tasks.map((t) => ({ id: t.taskId, level: t.level ?? 1 })), { id: 'X-1', level: 9 }, { id: 'X-2', level: 9 }] };
  const m = model(undeclared, { graph });
  const total = undeclared.tasks.length + 2;
  assert.is(m.header.total, total);
  assert.is(m.header.progress, `4/${total} (${Math.round(400 / total)}%)`);
  // Mean 2.25 s, 3 workers: L2-C's last 0.75 s, then levels 3, 4 and 9 one round each.
  assert.is(m.header.eta, '~8s (est.)');
  const notStarted = m.levels.rows.find((r) => r.level === 9);
  assert.is(notStarted?.total, 2);
  assert.is(notStarted?.done, 0);
  // What status prints of the same run and graph.
  const printed = statusModel(undeclared, { now: T0 + 7_000, graph });
  assert.is(printed.progress.total, total);
  assert.is(printed.progress.etaMs, 750 + 3 * 2250);
});

header('gives the progress of an empty run as status does: all of nothing', () => {
  const empty = snapshotOfEvents('empty', [['rush_started', T0, { workers: 1, totalTasks: 0 }], ['rush_completed', T0 + 1000, {}]], T0 + 2000);
  const h = model(empty).header;
  assert.is(h.progress, '0/0 (100%)');
  assert.is(h.fraction, statusModel(empty, { now: T0 + 2000 }).progress.fraction);
});

header('measures elapsed time from the run start, not from when the view opened', () => {
  // The snapshot was computed 7 s in; the view draws 95 s after the start.
  assert.is(model(midway(), { now: T0 + 95_000 }).header.elapsed, '1m35s');
  assert.is(model(midway()).header.elapsed, '7s');
});

header('labels the ETA as an estimate and counts the tasks in flight down between snapshots', () => {
  // Mean 2250 ms, 3 workers: L2-C (claimed at 5.5 s) has 750 ms left, then levels 3 and 4 take one mean each.
  assert.is(model(midway()).header.eta, '~6s (est.)');
  // At 8 s L2-C has run past the mean: only the later levels are left.
  assert.is(model(midway(), { now: T0 + 8_000 }).header.eta, '~5s (est.)');
  assert.is(model(midway(), { now: T0 + 60_000 }).header.eta, '~5s (est.)');
});

header('freezes the clock and drops the ETA once the run completed', () => {
  const h = model(complete(), { now: T0 + 3_600_000 }).header;
  assert.is(h.state, 'complete');
  assert.is(h.elapsed, '10s');
  assert.is(h.eta, null);
  assert.is(h.progress, '8/8 (100%)');
  assert.ok(text(h.lines[1] ?? []).includes('done'));
});

header('counts ingest warnings, leaving duplicates out, and names each counter', () => {
  const s = midway(T0 + 7_000, [
    { kind: 'rejected', reason: 'invalid_json' },
    { kind: 'rejected', reason: 'invalid_json' },
    { kind: 'count', counter: 'outOfOrder' },
    { kind: 'count', counter: 'duplicateEvents', by: 5 },
  ]);
  const h = model(s).header;
  assert.is(h.warnings, 3);
  assert.equal(h.warningDetail, ['invalid_lines.invalid_json 2', 'out_of_order 1']);
  assert.ok(text(h.lines[2] ?? []).includes('ingest warnings 3: invalid_lines.invalid_json 2, out_of_order 1'));
  assert.ok(text(model(s, { width: 80, height: 24 }).header.lines[0] ?? []).includes('warn 3'));
});

header('shows PAUSED while updates are paused', () => {
  const h = model(midway(), { paused: true }).header;
  assert.ok(h.paused);
  assert.ok(text(h.lines[0] ?? []).includes('PAUSED'));
  assert.not.ok(text(model(midway()).header.lines[0] ?? []).includes('PAUSED'));
});

header('says the run is waiting before any event, with no invented total', () => {
  const h = model(snapshotOf(createRunState(null), T0)).header;
  assert.is(h.state, 'waiting');
  assert.is(h.elapsed, '-');
  assert.is(h.progress, '0/?');
  assert.is(h.eta, null);
});

header('places the run among its levels as the level table does: the current row, and the rows complete', () => {
  const graph = { feature: 'dash-demo', tasks: [...midway().tasks.map((t) => ({ id: t.taskId, level: t.level ?? 1 })), { id: 'X-1', level: 9 }] };
  const runs: [string, RunSnapshot, Partial<DashboardModelOptions>][] = [
    ['waiting', snapshotOf(createRunState(null), T0), {}],
    ['midway', midway(), {}],
    ['midway with an unseen level', midway(), { graph }],
    ['complete', complete(), { now: T0 + 12_000 }],
  ];
  for (const [name, snapshot, options] of runs) {
    const full = model(snapshot, options);
    const rows = full.levels.rows;
    const words = levelWords(rows.find((r) => r.current)?.level ?? null, rows.filter((r) => r.status === 'complete').length, rows.length);
    assert.ok(text(full.header.lines[0] ?? []).includes(`  ${words}  `), `${name}: ${text(full.header.lines[0] ?? [])} lacks ${words}`);
  }
  assert.match(text(model(complete(), { now: T0 + 12_000 }).header.lines[0] ?? []), /all 4 levels done/);
});

header('keeps every header line within the terminal width', () => {
  for (const [width, height] of [[120, 40], [80, 24], [40, 12]] as const) {
    const h = model(midway(T0 + 7_000, [{ kind: 'rejected', reason: 'bad_data' }]), { width, height, paused: true }).header;
    const inner = width >= 100 ? width - 2 : width;
    for (const line of h.lines) assert.ok([...text(line)].length <= inner, `${width}×${height}: ${text(line)}`);
  }
});

const levels = suite('dashboardModel: levels');

levels('gives each level its status, done/total, duration and statistics', () => {
  const rows = model(midway()).levels.rows;
  assert.equal(
    rows.map((r) => [r.level, r.status, `${r.done}/${r.total}`, r.duration, r.avg, r.p50, r.p95]),
    [
      [1, 'complete', '2/2', '2.7s', '2.2s', '2.2s', '2.4s'],
      // Running: its duration is a clock from the level start (3.7 s) to now (7 s).
      [2, 'running', '2/3', '3s', '2.2s', '2.2s', '2.9s'],
      [3, 'pending', '0/2', '-', '-', '-', '-'],
      [4, 'pending', '0/1', '-', '-', '-', '-'],
    ],
  );
  assert.equal(rows.map((r) => r.current), [false, true, false, false]);
});

levels('reads a level as the printer does when the run records no level events (upstream state files)', () => {
  // Without level_started/level_complete the metrics say only "running" for level 1; every one of its
  // tasks is complete and level 2 has begun, so it is complete, in the dashboard as in `status`.
  const noLevelEvents = fixtureInputs('run-midway.jsonl').filter((i) => i.kind !== 'event' || !i.event.type.startsWith('level_'));
  const snapshot = fold(noLevelEvents, T0 + 7_000);
  assert.is(snapshot.metrics.levelMetrics.find((l) => l.level === 1)?.status, 'running');
  const rows = model(snapshot).levels.rows;
  assert.equal(
    rows.map((r) => [r.level, r.status, `${r.done}/${r.total}`]),
    [
      [1, 'complete', '2/2'],
      [2, 'running', '2/3'],
      [3, 'pending', '0/2'],
      [4, 'pending', '0/1'],
    ],
  );
  // Its duration comes from its tasks' stamps, as the printer gives it, not a clock.
  const printed = statusModel(snapshot, { now: T0 + 7_000 }).levels;
  assert.equal(rows.map((r) => r.status), printed.map((l) => PHASE_WORD[l.phase]));
  assert.is(rows[0]?.duration, formatDuration(printed[0]?.durationMs ?? null));
  assert.equal(rows.map((r) => r.current), [false, true, false, false]);
  assert.match(text(model(snapshot).header.lines[0] ?? []), /level 2 · 1\/4 levels done/);
});

levels('drops the least useful columns first when the table is narrow', () => {
  const wide = model(midway(), { width: 160, height: 48 }).levels.table.columns.map((c) => c.header);
  const narrow = model(midway(), { width: 40, height: 12 }).levels.table.columns.map((c) => c.header);
  assert.equal(wide, ['LVL', 'STATUS', 'DONE', 'DURATION', 'AVG', 'P50', 'P95']);
  assert.equal(narrow, ['LVL', 'STATUS', 'DONE', 'DURATION', 'P95']);
});

const workers = suite('dashboardModel: workers');

workers('gives each worker its state, task, timings and last event age', () => {
  const rows = model(midway()).workers.rows;
  assert.equal(
    rows.map((r) => [r.id, r.state, r.task, r.init, r.done, r.failed, r.avg, r.utilization, r.lastEvent, r.stalled]),
    [
      [1, 'running', 'L2-C', '300ms', 2, 0, '1.7s', '73%', '1s', false],
      [2, 'idle', '-', '500ms', 2, 0, '2.7s', '80%', '0s', false],
      [3, 'idle', '-', '700ms', 0, 1, '-', '17%', '2s', false],
    ],
  );
});

workers('flags a live worker whose heartbeats stopped as stalled, never one merely running a long task', () => {
  const beat = (workerId: number, ts: number): ReducerInput => ({ kind: 'event', event: { type: 'worker_heartbeat', ts, data: { workerId } } });
  // Every worker beats at 5.5 s; workers 2 and 3 go on beating, worker 1 (on L2-C since 5.5 s) falls silent.
  const run = (now: number) => midway(now, [beat(1, T0 + 5_500), beat(2, T0 + 5_500), beat(3, T0 + 5_500), beat(2, now - 1000), beat(3, now - 1000)]);
  const at = (age: number, options: Partial<DashboardModelOptions> = {}) => model(run(T0 + 5_500 + age), { now: T0 + 5_500 + age, ...options }).workers;
  assert.equal(at(120_000).rows.map((r) => r.stalled), [false, false, false]);
  const late = at(121_000);
  assert.equal(late.rows.map((r) => r.stalled), [true, false, false]);
  assert.is(late.stalled, 1);
  assert.equal(late.table.rows[0]?.cells.map((c) => c.text).slice(0, 3), ['1', 'STALLED', 'L2-C']);
  assert.ok(text(model(run(T0 + 126_500), { now: T0 + 126_500 }).header.lines[0] ?? []).includes('1 STALLED'));
  // A shorter threshold flags it sooner.
  assert.ok(at(16_000, { stallAfterMs: 15_000 }).rows[0]?.stalled);
  // Its heartbeats going on, a task of ten minutes is no stall; nor is one in a log without heartbeats.
  const beating = midway(T0 + 600_000, [beat(1, T0 + 599_000)]);
  assert.equal(model(beating, { now: T0 + 600_000 }).workers.rows.map((r) => r.stalled), [false, false, false]);
  assert.equal(model(midway(T0 + 600_000), { now: T0 + 600_000 }).workers.rows.map((r) => r.stalled), [false, false, false]);
  // An abandoned run waits on nobody: no STALLED, and its clocks stop at its last event.
  const gone = model(run(T0 + 200_000), { now: T0 + 200_000, orchestratorGone: true });
  assert.is(gone.header.state, 'abandoned');
  assert.equal(gone.workers.rows.map((r) => r.stalled), [false, false, false]);
  assert.is(gone.workers.rows[0]?.runningFor, formatWholeSeconds(T0 + 199_000 - (T0 + 5_500)));
});

workers('shows how long each busy worker’s task has run, and no last-event age for a stopped worker', () => {
  const rows = model(midway(T0 + 7_000), { now: T0 + 7_000 }).workers.rows;
  assert.equal(rows.map((r) => r.runningFor), ['1s', '-', '-'], 'L2-C on worker 1 since 5.5 s');
  const stopped = midway(T0 + 60_000, [{ kind: 'event', event: { type: 'worker_stopped', ts: T0 + 8_000, data: { workerId: 2 } } }]);
  const later = model(stopped, { now: T0 + 60_000 }).workers.rows;
  assert.is(later[1]?.lastEvent, '-');
  assert.is(later[2]?.lastEvent, '55s', 'a live worker’s last event (its failure of L2-C at 5 s) keeps its age');
});

workers('selects the first worker by default and follows the chosen one', () => {
  assert.equal([model(midway()).workers.selectedIndex, model(midway()).workers.selectedWorker], [0, 1]);
  const third = model(midway(), { selectedWorker: 3 }).workers;
  assert.equal([third.selectedIndex, third.selectedWorker], [2, 3]);
  assert.equal(third.table.rows.map((r) => r.selected), [false, false, true]);
  // A worker that is not there: back to the first.
  assert.is(model(midway(), { selectedWorker: 9 }).workers.selectedWorker, 1);
});

workers('lists the selected worker’s tasks, with attempts that failed on it', () => {
  const one = model(midway(), { selectedWorker: 1 }).workerTasks;
  assert.is(one?.workerId, 1);
  assert.equal(one?.lines.map((l) => l.split(/\s+/)[0]), ['L1-A', 'L2-A', 'L2-C']);
  const three = model(midway(), { selectedWorker: 3 }).workerTasks;
  assert.equal(three?.lines.length, 1);
  assert.match(three?.lines[0] ?? '', /^L2-C +2 failed here +- +08:00:05 +- +1 {2}exit 1$/);
});

workers('heads the task list with its columns, and gives each task its start and end times', () => {
  const one = model(midway(), { selectedWorker: 1 }).workerTasks;
  assert.match(one?.header ?? '', /^TASK +LVL +STATUS +STARTED +ENDED +TOOK +ATTEMPT$/);
  assert.match(one?.lines[0] ?? '', /^L1-A +1 complete +08:00:01 08:00:03 +2\.0s +1$/);
  // Columns line up under their headings.
  const header = one?.header ?? '';
  assert.is(one?.lines[0]?.indexOf('08:00:01'), header.indexOf('STARTED'));
});

workers('shows a task’s error on one line of plain text, whatever its command printed', () => {
  const error = '\u001b[31mAssertionError\u001b[0m: expected 1\n    at test.js:3';
  const failed = midway(T0 + 7_000, [{ kind: 'event', event: { type: 'task_failed', ts: T0 + 6_900, data: { taskId: 'L2-C', workerId: 1, error } } }]);
  const line = model(failed, { selectedWorker: 1 }).workerTasks?.lines.find((l) => l.startsWith('L2-C')) ?? '';
  assert.match(line, /failed\s+.*\\x1b\[31mAssertionError\\x1b\[0m: expected 1 at test\.js:3$/);
  assert.not.match(line, /\u001b|\n/);
});

workers('lists a worker holding 200,000 tasks (one list line each, the id column as wide as the longest id)', () => {
  const s = midway();
  const t0 = s.tasks.find((t) => t.workerId === 1);
  if (!t0) throw new Error('fixture has a task on worker 1');
  const n = 200_000;
  const tasks = Array.from({ length: n }, (_, i) => ({ ...t0, taskId: `T-${i}` }));
  const list = workerTasksOf(snapshotBasis({ ...s, tasks, failures: [] }), 1, 'UTC', 0);
  assert.is(list.lines.length, n);
  assert.is(list.taskIds[n - 1], `T-${n - 1}`);
  assert.is(list.title, 'worker 1: 200000 tasks');
  // "T-199999" is 8 wide: the column fits it and no more.
  assert.match(list.header, /^TASK {5}LVL /);
});

workers('keeps the selected worker in view when they do not all fit', () => {
  const many = manyWorkers(40);
  const w = model(many, { width: 80, height: 24, selectedWorker: 35 }).workers;
  assert.ok(w.table.rows.length < 40);
  assert.ok(w.table.offset > 0);
  const shown = w.table.rows.map((r) => r.cells[0]?.text);
  assert.ok(shown.includes('35'));
  assert.is(w.table.rows.find((r) => r.selected)?.cells[0]?.text, '35');
});

const charts = suite('dashboardModel: charts');

charts('draws the distribution of completed task durations', () => {
  const d = model(complete()).durations;
  assert.is(d.samples, 8);
  assert.is(d.buckets.reduce((n, b) => n + b.count, 0), 8);
  assert.is(d.bars.length, d.buckets.length);
  assert.match(d.footer, /^8 tasks {2}p50 1\.7s {2}p95 2\.8s$/);
  assert.is(model(snapshotOf(createRunState('x'), T0)).durations.footer, 'no completed tasks yet');
});

charts('counts completions per time bucket from the run start', () => {
  const t = model(complete()).throughput;
  assert.is(t.total, 8);
  assert.is(t.labels[0], '0s');
  assert.is(t.counts.length, t.labels.length);
  assert.match(t.title, /^Throughput \(tasks per \d+s\)$/);
  // Completions at 3.0, 3.6, 5.3 and 6.8 s.
  const perSecond = model(midway()).throughput;
  assert.is(perSecond.bucketMs, 1000);
  assert.equal(perSecond.counts, [0, 0, 0, 2, 0, 1, 1]);
});

const log = suite('dashboardModel: log');

log('shows the newest events that fit, oldest first, with their HH:MM:SS', () => {
  const lines = model(midway()).log;
  assert.is(lines.length, 19); // the events panel's inner height at 120×40, with 4 levels and 3 workers (and their task stream)
  const last = lines[lines.length - 1];
  assert.equal([last?.time, last?.text], ['08:00:06', '  L2-B complete on worker 2']);
  const failure = lines.find((l) => l.tone === 'alert');
  assert.equal([failure?.time, failure?.text], ['08:00:05', '✗ L2-C failed on worker 3: exit 1']);
});

log('keeps an unrecovered failure pinned when newer events push it out', () => {
  const s = midway();
  const filler: RecentEvent[] = Array.from({ length: 40 }, (_, i) => ({ ts: T0 + 6_900 + i, type: 'worker_ready', workerId: 2, summary: `filler ${i}`, severity: 'info' }));
  const lines = model({ ...s, recentEvents: [...s.recentEvents, ...filler] }, { width: 160 }).log;
  assert.is(lines.length, 19);
  assert.ok(lines[0]?.pinned);
  assert.match(lines[0]?.text ?? '', /^✗ L2-C failed \(attempt 1, worker 3\): exit 1$/);
  assert.is(lines[lines.length - 1]?.text, '  filler 39');
});

log('pins an interrupted attempt as interrupted, not as a failure', () => {
  const s = midway();
  const failed = s.failures.find((f) => f.taskId === 'L2-C');
  assert.ok(failed, 'the midway run has a failure of L2-C');
  const interrupted = { ...failed, kind: 'interrupted' as const, error: 'stopped' };
  const filler: RecentEvent[] = Array.from({ length: 40 }, (_, i) => ({ ts: T0 + 6_900 + i, type: 'worker_ready', workerId: 2, summary: `filler ${i}`, severity: 'info' }));
  const lines = model({ ...s, failures: [interrupted], recentEvents: [...s.recentEvents, ...filler] }, { width: 160 }).log;
  assert.ok(lines[0]?.pinned);
  assert.equal([lines[0]?.text, lines[0]?.tone], ['! L2-C interrupted (attempt 1, worker 3): stopped', 'warn']);
});

log('scrolls back through older events (PgUp), as far as there are any, and follows the newest at 0', () => {
  const s = midway();
  const filler: RecentEvent[] = Array.from({ length: 40 }, (_, i) => ({ ts: T0 + 6_900 + i, type: 'worker_ready', workerId: 2, summary: `filler ${i}`, severity: 'info' }));
  const snapshot = { ...s, recentEvents: [...s.recentEvents, ...filler] };
  const rows = model(snapshot).log.length;
  const back = model(snapshot, { logBack: 5 });
  assert.is(back.logView.back, 5);
  assert.match(back.logView.title, /5 newer below/);
  assert.is(back.log.length, rows);
  assert.is(back.log[back.log.length - 1]?.text, '  filler 34');
  assert.not.ok(back.log.some((l) => l.pinned), 'nothing pinned over an older window');
  // Past the oldest event: clamped to the oldest window.
  const top = model(snapshot, { logBack: 1_000 });
  assert.is(top.logView.back, snapshot.recentEvents.length - rows);
  assert.is(top.log[0]?.text, `  ${snapshot.recentEvents[0]?.summary}`);
  const newest = model(snapshot, { logBack: 0 });
  assert.equal(newest.logView, { back: 0, title: 'Events' });
  assert.is(newest.log[newest.log.length - 1]?.text, '  filler 39');
});

log('shows notices about the inputs among the events, in time order, as warnings', () => {
  const lines = model(midway(), { width: 160, notices: [{ ts: T0 + 5_200, text: 'state file skipped: not JSON' }] }).log;
  const i = lines.findIndex((l) => l.text === '! state file skipped: not JSON');
  assert.ok(i > 0);
  assert.is(lines[i]?.tone, 'warn');
  assert.is(lines[i]?.time, '08:00:05');
  assert.match(lines[i + 1]?.text ?? '', /L2-A complete/);
});

log('has no log in the compact layout', () => {
  assert.equal(model(midway(), { width: 80, height: 24 }).log, []);
});

const layout = suite('dashboardModel: layout');

layout('picks full, compact or too-small from the terminal size', () => {
  assert.is(model(midway(), { width: 120, height: 40 }).layout.mode, 'full');
  assert.is(model(midway(), { width: 100, height: 30 }).layout.mode, 'full');
  assert.is(model(midway(), { width: 99, height: 40 }).layout.mode, 'compact');
  assert.is(model(midway(), { width: 80, height: 24 }).layout.mode, 'compact');
  assert.is(model(midway(), { width: 40, height: 12 }).layout.mode, 'compact');
  const small = model(midway(), { width: 39, height: 12 });
  assert.is(small.layout.mode, 'too-small');
  assert.is(small.tooSmall, tooSmallMessage(39, 12));
  assert.match(small.tooSmall ?? '', /too small.*40×12/);
});

layout('fits the key hint to the width', () => {
  assert.is(model(midway()).hint, 'q quit · ? help · ↑/↓ select worker · Enter tasks · PgUp/PgDn events · p pause');
  assert.is(model(midway(), { width: 99, height: 40 }).hint, 'q quit · ? help · ↑/↓ select worker · Enter tasks · p pause');
  const narrow = model(midway(), { width: 40, height: 12 }).hint;
  assert.ok(narrow.length <= 40);
  assert.ok(narrow.startsWith('q quit'));
});

layout('says where the run is among its levels, not in words that read as a task count', () => {
  assert.is(levelWords(2, 1, 3), 'level 2 · 1/3 levels done');
  assert.is(levelWords(null, 1, 3), 'level - · 1/3 levels done');
  assert.is(levelWords(4, 4, 4), 'all 4 levels done');
  assert.is(levelWords(1, 1, 1), 'all 1 level done');
  assert.is(levelWords(null, 0, 0), 'level -');
});

layout('shows every level figure (P50 too) in the full layout, and DONE whole however large', () => {
  const m = model(midway());
  assert.equal(m.levels.table.columns.map((c) => c.header), ['LVL', 'STATUS', 'DONE', 'DURATION', 'AVG', 'P50', 'P95']);
  // A level of 2,500 tasks: `0/2500` in full, and still every figure.
  const s = midway();
  const graph = { feature: 'dash-demo', tasks: [...s.tasks.map((t) => ({ id: t.taskId, level: t.level ?? 1 })), ...Array.from({ length: 2_500 }, (_, i) => ({ id: `B-${i}`, level: 9 }))] };
  const wide = model(s, { graph });
  assert.equal(wide.levels.table.columns.map((c) => c.header), ['LVL', 'STATUS', 'DONE', 'DURATION', 'AVG', 'P50', 'P95']);
  const lines = tableLines(wide.levels.table);
  assert.ok(lines.some((l) => / 0\/2500 /.test(l)), lines.join('\n'));
});

layout('the key hint says p resumes while paused', () => {
  for (const width of [120, 80, 50, 30]) {
    assert.match(model(midway(), { width, paused: true }).hint, /p resume$/, `at ${width}`);
    assert.not.match(model(midway(), { width, paused: true }).hint, /pause/);
  }
});

layout('fits every table line to its panel', () => {
  for (const [width, height] of [[160, 48], [120, 40], [100, 30], [80, 24], [40, 12]] as const) {
    const m = model(complete(), { width, height });
    const bordered = m.layout.bordered ? 2 : 0;
    for (const [table, rect] of [[m.levels.table, m.layout.levels], [m.workers.table, m.layout.workers]] as const) {
      const lines = tableLines(table);
      assert.ok(lines.length <= rect.height - bordered, `${width}×${height}: ${lines.length} lines`);
      for (const line of lines) assert.ok([...line].length <= rect.width - bordered, `${width}×${height}: ${line}`);
    }
  }
});

const cut = suite('cutSegments');

cut('cuts at the width with an ellipsis and keeps tones', () => {
  const out = cutSegments([{ text: 'abc' }, { text: 'defgh', tone: 'alert' }, { text: 'ij' }], 6);
  assert.equal(out, [{ text: 'abc' }, { text: 'de…', tone: 'alert' }]);
  assert.equal(cutSegments([{ text: 'ab' }], 5), [{ text: 'ab' }]);
});

/** A running snapshot with `n` workers, each busy on its own task. */
function manyWorkers(n: number): RunSnapshot {
  const s = midway();
  const w0 = s.metrics.workerMetrics[0];
  if (!w0) throw new Error('fixture has workers');
  const workerMetrics = Array.from({ length: n }, (_, i) => ({ ...w0, workerId: i + 1, currentTask: `T-${i + 1}` }));
  return { ...s, metrics: { ...s.metrics, workerMetrics } };
}

header.run();
levels.run();
workers.run();
charts.run();
log.run();
layout.run();
cut.run();
