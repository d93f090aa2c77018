import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statusModel, UnknownLevelError } from '../../src/views/statusModel';
import { at, type EventInit, snapshotFromFixture, snapshotOfEvents } from './textRuns';

const graphOf = (feature: string, levels: Record<string, number>) => ({
  feature,
  tasks: Object.entries(levels).map(([id, level]) => ({ id, level })),
});

const partialRun = () =>
  snapshotOfEvents(
    'f',
    [
      ['task_created', 0, { taskId: 'A', level: 1 }],
      ['worker_started', 0, { workerId: 0 }],
      ['worker_ready', 100, { workerId: 0 }],
      ['level_started', 100, { level: 1 }],
      ['task_claimed', 100, { taskId: 'A', workerId: 0 }],
      ['task_started', 100, { taskId: 'A', workerId: 0 }],
      ['task_complete', 1100, { taskId: 'A', workerId: 0, durationMs: 1000 }],
      ['level_complete', 1200, { level: 1 }],
    ],
    2000,
  );

const model = suite('statusModel');

model('takes the total from the task graph and adds the levels not reached yet', () => {
  const m = statusModel(partialRun(), { now: 2000, graph: graphOf('f', { A: 1, B: 2, C: 2, D: 3 }) });
  assert.is(m.progress.total, 4);
  assert.is(m.progress.fraction, 0.25);
  assert.equal(
    m.levels.map((l) => [l.level, l.phase, l.taskCount]),
    [
      [1, 'done', 1],
      [2, 'pending', 2],
      [3, 'pending', 1],
    ],
  );
});

model('has no total when nothing states the run’s size', () => {
  const m = statusModel(partialRun(), { now: 2000 });
  assert.is(m.progress.total, null);
  assert.is(m.progress.fraction, null);
  assert.is(m.totals.total, null);
  assert.is(m.progress.completed, 1);
});

model('uses the total the run declared as its size', () => {
  const declared = snapshotOfEvents('f', [['rush_started', 0, { workers: 1, totalTasks: 1 }], ['task_created', 0, { taskId: 'A', level: 1 }], ['worker_started', 0, { workerId: 0 }], ['task_claimed', 100, { taskId: 'A', workerId: 0 }], ['task_complete', 1100, { taskId: 'A', workerId: 0, durationMs: 1000 }]], 2000);
  const m = statusModel(declared, { now: 2000 });
  assert.is(m.progress.total, 1);
  assert.is(m.progress.fraction, 1);
});

model('measures a running level to now and a stopped run’s level to its end', () => {
  const events: EventInit[] = [
    ['task_created', 0, { taskId: 'A', level: 1 }],
    ['level_started', 1000, { level: 1 }],
    ['task_claimed', 1000, { taskId: 'A', workerId: 0 }],
  ];
  const running = statusModel(snapshotOfEvents('f', [...events], 6000), { now: 6000 });
  assert.equal([running.levels[0]?.phase, running.levels[0]?.durationMs], ['running', 5000]);
  const stopped = statusModel(snapshotOfEvents('f', [...events, ['rush_stopped', 3000, {}]], 60_000), { now: 60_000 });
  assert.is(stopped.levels[0]?.durationMs, 2000);
});

model('calls a level done when all its tasks are and the run moved on, timing levels by their tasks without level events', () => {
  const events: EventInit[] = [
    ['task_created', 0, { taskId: 'X-L1-001', level: 1 }],
    ['task_created', 0, { taskId: 'X-L1-002', level: 1 }],
    ['task_created', 0, { taskId: 'X-L2-001', level: 2 }],
    ['task_claimed', 1000, { taskId: 'X-L1-001', workerId: 0 }],
    ['task_claimed', 1500, { taskId: 'X-L1-002', workerId: 1 }],
    ['task_complete', 4000, { taskId: 'X-L1-001', workerId: 0 }],
    ['task_complete', 6000, { taskId: 'X-L1-002', workerId: 1 }],
  ];
  const between = statusModel(snapshotOfEvents('f', events, 7000), { now: 7000 });
  assert.equal(between.levels.map((l) => l.phase), ['running', 'pending'], 'nothing shows the run moved past level 1 yet');
  const moved = statusModel(snapshotOfEvents('f', [...events, ['task_claimed', 6500, { taskId: 'X-L2-001', workerId: 0 }]], 9000), { now: 9000 });
  assert.equal(
    moved.levels.map((l) => [l.level, l.phase, l.durationMs]),
    [
      [1, 'done', 5000],
      [2, 'running', 2500],
    ],
  );
  assert.is(moved.currentLevel, 2);
  assert.is(moved.levels[1]?.sizeKnown, false);
});

model('keeps tasks without a level out of every level', () => {
  const snapshot = snapshotOfEvents(
    'f',
    [
      ['task_claimed', 0, { taskId: 'loose-1', workerId: 0 }],
      ['task_complete', 10, { taskId: 'loose-1', workerId: 0 }],
      ['task_claimed', 20, { taskId: 'loose-2', workerId: 0 }],
      ['task_failed', 30, { taskId: 'loose-2', workerId: 0, error: 'x' }],
    ],
    100,
  );
  const m = statusModel(snapshot, { now: 100 });
  assert.equal(m.levels, []);
  assert.equal(m.unleveled, { taskCount: 2, completed: 1, failed: 1 });
});

model('lists one level’s tasks, adding graph tasks not seen yet as pending', () => {
  const m = statusModel(partialRun(), { now: 2000, graph: graphOf('f', { A: 1, B: 2, C: 2 }), level: 2 });
  assert.equal(
    m.levelDetail?.tasks.map((t) => [t.taskId, t.status, t.executionMs]),
    [
      ['B', 'pending', null],
      ['C', 'pending', null],
    ],
  );
  const one = statusModel(partialRun(), { now: 2000, level: 1 });
  assert.equal(one.levelDetail?.tasks[0], {
    taskId: 'A',
    status: 'complete',
    workerId: 0,
    attempts: 1,
    queueWaitMs: 100,
    executionMs: 1000,
    verificationMs: null,
    error: null,
  });
});

model('refuses a level the run does not have, naming the ones it has', () => {
  try {
    statusModel(partialRun(), { now: 2000, level: 7 });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UnknownLevelError);
    assert.is((err as Error).message, 'level 7 not found (levels: 1)');
  }
});

model('tells recovered, retrying and final failures apart', () => {
  const base: EventInit[] = [
    ['task_created', 0, { taskId: 'A', level: 1 }],
    ['task_claimed', 0, { taskId: 'A', workerId: 0 }],
    ['task_failed', 10, { taskId: 'A', workerId: 0, error: 'boom' }],
    ['task_retry_scheduled', 11, { taskId: 'A', retryCount: 1 }],
  ];
  const outcome = (events: EventInit[]) => statusModel(snapshotOfEvents('f', events, 100), { now: 100 }).failures.map((f) => f.outcome);
  assert.equal(outcome([...base]), ['retrying']);
  assert.equal(outcome([...base, ['task_claimed', 20, { taskId: 'A', workerId: 1 }], ['task_complete', 30, { taskId: 'A', workerId: 1 }]]), ['recovered']);
  assert.equal(outcome([...base, ['rush_stopped', 40, {}]]), ['failed']);
});

model('sums rejected lines by reason, largest first, and notes other anomalies but not duplicates', () => {
  const snapshot = snapshotOfEvents('f', [], 0, ['bad_data', 'invalid_json', 'invalid_json', 'unknown_type']);
  const m = statusModel(snapshot, { now: 0 });
  assert.is(m.ingest.rejected, 3);
  assert.equal(m.ingest.byReason, [
    ['invalid_json', 2],
    ['bad_data', 1],
  ]);
  assert.equal(m.ingest.notes, [['event of an unknown type skipped', 1]]);
});

model('reads the worker table from the worker metrics', () => {
  const snapshot = snapshotFromFixture('run-complete.events.jsonl', { feature: 'worker-metrics', now: at('08:10:00') });
  const m = statusModel(snapshot, { now: at('08:10:00') });
  assert.equal(
    m.workers.map((w) => [w.workerId, w.initMs, w.tasks, w.failed, w.uptimeMs]),
    [
      [0, 1200, 3, 0, 238_900],
      [1, 1100, 2, 1, 238_900],
      [2, 1300, 1, 0, 135_000],
    ],
  );
  assert.is(m.totals.durationMs, 240_000);
  assert.equal(m.totals, { durationMs: 240_000, activeDurationMs: 240_000, workers: 3, completed: 6, failed: 0, total: 6 });
});
model.run();
