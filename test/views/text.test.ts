import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stripAnsi } from '../../src/views/format';
import { statusModel } from '../../src/views/statusModel';
import { renderGraphSummary, renderStatus } from '../../src/views/text';
import { at, golden, snapshotFromFixture, snapshotOfEvents } from './textRuns';

const COMPLETE = { feature: 'worker-metrics', now: at('08:10:00') };
const RUNNING = { feature: 'worker-metrics', now: at('08:01:25'), until: at('08:01:25') };
const UTC = { timeZone: 'UTC', rejectedFile: 'worker-metrics.rejected.jsonl' };

const complete = () => statusModel(snapshotFromFixture('run-complete.events.jsonl', COMPLETE), { now: COMPLETE.now });
const running = () => statusModel(snapshotFromFixture('run-complete.events.jsonl', RUNNING), { now: RUNNING.now });

const render = suite('renderStatus');

render('prints a completed run as the golden file (no colour)', () => {
  const actual = renderStatus(complete(), { color: false, ...UTC });
  assert.fixture(actual, golden('status-complete.txt', actual));
});

render('prints a completed run with ANSI colour when asked, same text underneath', () => {
  const plain = renderStatus(complete(), { color: false, ...UTC });
  const actual = renderStatus(complete(), { color: true, ...UTC });
  assert.fixture(actual, golden('status-complete.color.txt', actual));
  assert.ok(actual.includes('\u001b[32m✓ DONE\u001b[39m'), 'DONE is green');
  assert.is(stripAnsi(actual), plain);
});

render('prints a running run with the bar, the running level and an ETA (no colour)', () => {
  const actual = renderStatus(running(), { color: false, ...UTC });
  assert.fixture(actual, golden('status-running.txt', actual));
});

render('prints a running run in colour (terminal)', () => {
  const actual = renderStatus(running(), { color: true, ...UTC });
  assert.fixture(actual, golden('status-running.color.txt', actual));
  assert.is(stripAnsi(actual), renderStatus(running(), { color: false, ...UTC }));
});

render('prints one level’s tasks with queue wait, execution and verification', () => {
  const snapshot = snapshotFromFixture('run-complete.events.jsonl', COMPLETE);
  const actual = renderStatus(statusModel(snapshot, { now: COMPLETE.now, level: 2 }), { color: false, ...UTC });
  assert.fixture(actual, golden('status-level2.txt', actual));
});

render('leaves out a verification column that would repeat the execution (rush runs a task as its verification)', () => {
  const snapshot = snapshotFromFixture('run-complete.events.jsonl', COMPLETE);
  const same = { ...snapshot, tasks: snapshot.tasks.map((t) => ({ ...t, verificationDurationMs: t.executionDurationMs })) };
  const actual = renderStatus(statusModel(same, { now: COMPLETE.now, level: 2 }), { color: false, ...UTC });
  assert.match(actual, /│ Task +│ Status +│ Worker +│ Attempts +│ Queue wait +│ Execution +│\n/);
  assert.not.match(actual, /│ Verification/);
  assert.match(actual, /Verification: each task’s command is its verification/);
  // Where it was measured apart, it has its column (the golden file above) and no note.
  const apart = renderStatus(statusModel(snapshot, { now: COMPLETE.now, level: 2 }), { color: false, ...UTC });
  assert.match(apart, /│ Verification │/);
  assert.not.match(apart, /its command is its verification/);
});

render('prints a failed run with its error and the total it declared', () => {
  const snapshot = snapshotFromFixture('run-failed.events.jsonl', { feature: 'release-prep', now: at('09:30:00') });
  const actual = renderStatus(statusModel(snapshot, { now: at('09:30:00') }), { color: false, timeZone: 'UTC' });
  assert.fixture(actual, golden('status-failed.txt', actual));
  // rush_started declares 5 tasks: the size every view gives (the dashboard said 3/5 while this said "unknown").
  assert.match(actual, /Progress: \S+ 60% \(3\/5 tasks, 1 failed\)/);
  assert.match(actual, /Tasks: 3\/5 \(1 failed\)$/m);
  assert.not.match(actual, /ETA/);
});

render('has no colour codes without colour', () => {
  for (const model of [complete(), running()]) assert.not.match(renderStatus(model, { color: false, ...UTC }), /\u001b/);
});

render('keeps the header rule as wide as the header', () => {
  const [title, rule] = renderStatus(complete(), { color: false, ...UTC }).split('\n');
  assert.is(rule, '═'.repeat([...(title ?? '')].length));
});

render('aligns every row of the worker table with its borders', () => {
  const lines = renderStatus(running(), { color: true, ...UTC }).split('\n').map(stripAnsi);
  const table = lines.filter((l) => /^[┌├│└]/.test(l));
  assert.is(table.length, 7);
  const width = [...(table[0] ?? '')].length;
  for (const row of table) assert.is([...row].length, width, row);
});

render('says when a retry is under way, and when a failure was recovered', () => {
  assert.match(renderStatus(running(), { color: false, ...UTC }), /WM-003 +attempt 1 +worker 1 +08:00:45 +↻ retrying +exit 1: flaky network connection reset by peer/);
  assert.match(renderStatus(complete(), { color: false, ...UTC }), /WM-003 .*✓ recovered/);
});

render('warns about rejected input with counts per reason and where it went', () => {
  const out = renderStatus(complete(), { color: false, ...UTC });
  assert.match(out, /^⚠ 3 input lines rejected \(invalid_json 2, bad_timestamp 1; see worker-metrics\.rejected\.jsonl\)$/m);
  assert.match(out, /^⚠ 1 event of an unknown type skipped$/m);
});

render('shows neither failures nor warnings for a clean run', () => {
  const snapshot = snapshotOfEvents(
    'clean',
    [
      ['rush_started', 0, { workers: 1, totalTasks: 1 }],
      ['task_created', 0, { taskId: 'T-1', level: 0 }],
      ['worker_started', 0, { workerId: 0 }],
      ['worker_ready', 250, { workerId: 0 }],
      ['level_started', 300, { level: 0 }],
      ['task_claimed', 300, { taskId: 'T-1', workerId: 0 }],
      ['task_started', 300, { taskId: 'T-1', workerId: 0 }],
      ['task_complete', 1300, { taskId: 'T-1', workerId: 0, durationMs: 1000 }],
      ['level_complete', 1400, { level: 0 }],
      ['worker_stopped', 1500, { workerId: 0 }],
      ['rush_completed', 1500, {}],
    ],
    5000,
  );
  const out = renderStatus(statusModel(snapshot, { now: 5000 }), { color: false, timeZone: 'UTC' });
  assert.not.match(out, /Failures and retries/);
  assert.not.match(out, /⚠/);
  assert.match(out, /Level 0: ✓ DONE {4}1\.1s \(1 task, avg=1\.0s, p95=1\.0s\)/);
  assert.match(out, /^Total: 1\.5s \| Workers: 1 \| Tasks: 1\/1$/m);
});

render('says so when no level or worker is known yet', () => {
  const snapshot = snapshotOfEvents('empty', [], 0);
  const out = renderStatus(statusModel(snapshot, { now: 0 }), { color: false, timeZone: 'UTC' });
  assert.match(out, /Run: PENDING/);
  assert.match(out, /\(no levels known\)/);
  assert.match(out, /\(no workers yet\)/);
  assert.match(out, /Progress: 0 tasks complete \(total unknown\)/);
  assert.match(out, /Total: - \| Workers: 0 \| Tasks: 0$/m);
});

render('lists tasks without a level apart, never inside a level', () => {
  const snapshot = snapshotOfEvents(
    'mixed',
    [
      ['task_created', 0, { taskId: 'X-L1-a', level: 1 }],
      ['task_claimed', 10, { taskId: 'X-L1-a', workerId: 0 }],
      ['task_claimed', 10, { taskId: 'loose', workerId: 1 }],
      ['task_complete', 500, { taskId: 'loose', workerId: 1, durationMs: 400 }],
    ],
    1000,
  );
  const out = renderStatus(statusModel(snapshot, { now: 1000 }), { color: false, timeZone: 'UTC' });
  assert.match(out, /Level 1: RUNNING .*\(0\/1 task seen\)/);
  assert.match(out, /No level: 1\/1 task \(level not recorded\)/);
});

render('marks the ETA as an estimate and only while running', () => {
  assert.match(renderStatus(running(), { color: false, ...UTC }), /· ETA ~\S+ \(estimate\)/);
  assert.not.match(renderStatus(complete(), { color: false, ...UTC }), /ETA/);
});

render('notes a running run gone silent, and dates times far from now', () => {
  const later = Date.parse('2026-01-28T09:00:00Z');
  const snapshot = snapshotFromFixture('run-complete.events.jsonl', { ...RUNNING, now: later });
  const out = renderStatus(statusModel(snapshot, { now: later }), { color: false, ...UTC });
  assert.match(out, /^Run: RUNNING · level 2 · started 2026-01-27 08:00:00 · last event 2026-01-27 08:01:20$/m);
  assert.match(out, /^⚠ no event for 24h58m: the orchestrator may have stopped without recording it$/m);
  assert.not.match(renderStatus(running(), { color: false, ...UTC }), /no event for/);
});

render('adds load warnings after the ingest warnings, a few in full', () => {
  const many = Array.from({ length: 8 }, (_, i) => `warning ${i + 1}`);
  const out = renderStatus(statusModel(snapshotOfEvents('w', [], 0), { now: 0, warnings: many }), { color: false });
  assert.match(out, /⚠ warning 5\n⚠ … 3 more warnings\n$/);
  assert.not.match(out, /warning 6/);
});

render('counts the warnings the loader did not keep among the ones not shown', () => {
  const kept = Array.from({ length: 10 }, (_, i) => `warning ${i + 1}`);
  const out = renderStatus(statusModel(snapshotOfEvents('w', [], 0), { now: 0, warnings: kept, moreWarnings: 15 }), { color: false });
  assert.match(out, /⚠ warning 5\n⚠ … 20 more warnings\n$/);
});

render('adds load warnings after the ingest warnings', () => {
  const model = statusModel(snapshotOfEvents('w', [], 0), { now: 0, warnings: ['task graph unreadable: bad JSON'] });
  assert.match(renderStatus(model, { color: false }), /\n\n⚠ task graph unreadable: bad JSON\n$/);
});
render('cuts long errors so their lines fit a known terminal width, at a fixed length otherwise', () => {
  const long = `exit 1: ${'connection reset by peer; '.repeat(12)}`;
  const snapshot = snapshotOfEvents(
    'long-error',
    [
      ['rush_started', 0, { workers: 1, totalTasks: 1 }],
      ['task_created', 0, { taskId: 'T-1', level: 0 }],
      ['task_claimed', 100, { taskId: 'T-1', workerId: 0 }],
      ['task_failed', 200, { taskId: 'T-1', workerId: 0, error: long }],
      ['rush_stopped', 300, {}],
    ],
    1000,
  );
  const model = statusModel(snapshot, { now: 1000 });
  const failureLine = (out: string): string => out.split('\n').find((l) => l.startsWith('  T-1 ')) ?? '';
  const unbounded = failureLine(renderStatus(model, { color: false, timeZone: 'UTC' }));
  assert.is([...unbounded].length, unbounded.indexOf('exit 1') + 72, 'without a width: the error is cut at 72 characters');
  for (const width of [80, 100, 120]) {
    const out = renderStatus(model, { color: true, timeZone: 'UTC', width });
    const line = stripAnsi(failureLine(out));
    assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
    assert.match(line, /✗ not recovered  exit 1: connection .*…$/);
    const error = stripAnsi(out).split('\n').find((l) => l.startsWith('Error: task T-1 failed')) ?? '';
    assert.ok(error.endsWith('…') && [...error].length <= width, error);
  }
});
render.run();

const summary = suite('renderGraphSummary');

summary('summarises a graph that has not run: tasks, levels, widths and how to start it', () => {
  const graph = {
    feature: 'bite-sized',
    tasks: [
      { id: 'BS-001', level: 1 },
      { id: 'BS-002', level: 2 },
      { id: 'BS-003', level: 2 },
      { id: 'BS-004', level: 2 },
      { id: 'BS-005', level: 3 },
    ],
  };
  const actual = renderGraphSummary(graph, { color: false, graphPath: '.gsd/specs/bite-sized/task-graph.json' });
  assert.fixture(actual, golden('graph-summary.txt', actual));
  assert.match(actual, /5 tasks in 3 levels \(widths 1-3-1\)/);
});
summary.run();
