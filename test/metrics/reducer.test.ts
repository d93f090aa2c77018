import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { calculatePercentile } from '../../src/metrics/percentile';
import { reduce } from '../../src/metrics/reducer';
import { createRunState } from '../../src/metrics/runState';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import { checkpointOf, restoreRunState } from '../../src/metrics/checkpoint';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { ev, fold, T0 } from '../helpers/events';

/** One worker, one task: claimed at +1s, started at +1.5s, complete at +3.5s. */
const oneTask = (): LifecycleEvent[] => [
  ev('rush_started', 0, { workers: 1, totalTasks: 1 }),
  ev('worker_started', 0, { workerId: 0 }),
  ev('worker_ready', 250, { workerId: 0 }),
  ev('task_created', 0, { taskId: 'A', level: 1 }),
  ev('level_started', 500, { level: 1 }),
  ev('task_claimed', 1000, { taskId: 'A', workerId: 0 }),
  ev('task_started', 1500, { taskId: 'A', workerId: 0 }),
  ev('verification_passed', 3500, { taskId: 'A', workerId: 0, durationMs: 40 }),
  ev('task_complete', 3500, { taskId: 'A', workerId: 0 }),
  ev('level_complete', 3600, { level: 1 }),
];

const Reducer = suite('reduce');

Reducer('measures a task: queue wait, execution, verification, total', () => {
  const [task] = snapshotOf(fold(oneTask()), T0 + 4000).tasks;
  assert.is(task?.queueWaitMs, 1000);
  assert.is(task?.executionDurationMs, 2000);
  assert.is(task?.verificationDurationMs, 40);
  assert.is(task?.totalDurationMs, 3500);
  assert.is(task?.status, 'complete');
  assert.is(task?.level, 1);
});

Reducer('prefers the duration the worker measured over completed − started', () => {
  const events = oneTask().map((e) => (e.type === 'task_complete' ? ev('task_complete', 3500, { taskId: 'A', workerId: 0, durationMs: 1234 }) : e));
  assert.is(snapshotOf(fold(events), T0 + 4000).tasks[0]?.executionDurationMs, 1234);
});

Reducer('measures worker init time from started to ready, and uptime to now while running', () => {
  const [w] = snapshotOf(fold(oneTask()), T0 + 10_000).metrics.workerMetrics;
  assert.is(w?.initializationMs, 250);
  assert.is(w?.uptimeMs, 10_000);
  assert.is(w?.tasksCompleted, 1);
  assert.is(w?.totalTaskDurationMs, 2000);
  assert.is(w?.avgTaskDurationMs, 2000);
});

Reducer('stops a worker’s uptime when it stops', () => {
  const state = fold([...oneTask(), ev('worker_stopped', 5000, { workerId: 0 })]);
  assert.is(snapshotOf(state, T0 + 60_000).metrics.workerMetrics[0]?.uptimeMs, 5000);
  assert.is(snapshotOf(state, T0 + 90_000).metrics.workerMetrics[0]?.uptimeMs, 5000);
});

Reducer('keeps a running feature’s total duration growing past the last completed level', () => {
  const state = fold(oneTask());
  assert.is(snapshotOf(state, T0 + 20_000).metrics.totalDurationMs, 20_000);
  assert.is(snapshotOf(fold([ev('rush_completed', 4000, {})], state), T0 + 99_000).metrics.totalDurationMs, 4000);
});

Reducer('counts a zero duration in averages and percentiles', () => {
  const events = [
    ...oneTask().filter((e) => e.type !== 'level_complete'),
    ev('task_created', 0, { taskId: 'B', level: 1 }),
    ev('task_claimed', 3600, { taskId: 'B', workerId: 0 }),
    ev('task_started', 3600, { taskId: 'B', workerId: 0 }),
    ev('task_complete', 3600, { taskId: 'B', workerId: 0, durationMs: 0 }),
  ];
  const level = snapshotOf(fold(events), T0 + 5000).metrics.levelMetrics[0];
  assert.is(level?.completedCount, 2);
  assert.is(level?.samples, 2);
  assert.is(level?.avgTaskDurationMs, 1000);
  assert.is(level?.p50DurationMs, 1000);
});

Reducer('counts a failed attempt once, and a task that recovers as not failed', () => {
  const events = [
    ...oneTask().slice(0, 5),
    ev('task_claimed', 600, { taskId: 'A', workerId: 0 }),
    ev('task_started', 700, { taskId: 'A', workerId: 0 }),
    ev('task_failed', 900, { taskId: 'A', workerId: 0, error: 'exit 1' }),
    ev('task_retry_scheduled', 900, { taskId: 'A', retryCount: 1 }),
  ];
  const failedNow = snapshotOf(fold(events), T0 + 950);
  assert.is(failedNow.metrics.workerMetrics[0]?.tasksFailed, 1);
  assert.is(failedNow.metrics.levelMetrics[0]?.failedCount, 1);
  assert.is(failedNow.tasks[0]?.status, 'waiting_retry');
  const recovered = snapshotOf(fold([...events, ...oneTask().slice(5)]), T0 + 4000);
  assert.is(recovered.metrics.tasksFailed, 0);
  assert.is(recovered.metrics.workerMetrics[0]?.tasksFailed, 1);
  assert.is(recovered.tasks[0]?.attempts, 2);
  assert.is(recovered.tasks[0]?.queueWaitMs, 600, 'queue wait runs to the first claim');
  assert.equal(
    recovered.failures.map((f) => [f.taskId, f.attempt, f.recovered]),
    [['A', 1, true]],
  );
});

Reducer('leaves a negative duration out of the statistics and counts it', () => {
  const events = oneTask().map((e) => (e.type === 'task_complete' ? ev('task_complete', 3500, { taskId: 'A', workerId: 0, durationMs: -20 }) : e));
  const snap = snapshotOf(fold(events), T0 + 4000);
  assert.is(snap.ingest.negativeDurations, 1);
  assert.is(snap.tasks[0]?.executionDurationMs, null);
  assert.is(snap.metrics.levelMetrics[0]?.samples, 0);
  assert.is(snap.metrics.tasksCompleted, 1);
});

Reducer('counts impossible sequences instead of throwing', () => {
  const events = [ev('task_complete', 10, { taskId: 'X', workerId: 3 }), ev('task_complete', 20, { taskId: 'X', workerId: 3 }), ev('worker_ready', 5, { workerId: 9 })];
  const snap = snapshotOf(fold(events), T0 + 100);
  assert.is(snap.ingest.outOfOrder, 3);
  assert.is(snap.metrics.tasksCompleted, 1);
});

Reducer('counts rejected lines by reason and unknown types apart', () => {
  let s = createRunState('f');
  s = reduce(s, { kind: 'rejected', reason: 'invalid_json' });
  s = reduce(s, { kind: 'rejected', reason: 'invalid_json' });
  s = reduce(s, { kind: 'rejected', reason: 'unknown_type' });
  s = reduce(s, { kind: 'count', counter: 'tornTail' });
  const { ingest } = snapshotOf(s, T0);
  assert.equal(ingest.invalidLines, { invalid_json: 2 });
  assert.is(ingest.unknownEvents, 1);
  assert.is(ingest.tornTail, 1);
});

Reducer('takes tasks_total from the run’s declaration when no task was seen yet', () => {
  const snap = snapshotOf(fold([ev('rush_started', 0, { workers: 2, totalTasks: 7 })]), T0);
  assert.is(snap.metrics.tasksTotal, 7);
  assert.is(snapshotOf(createRunState('f'), T0).metrics.tasksTotal, 0, 'no made-up total');
});

Reducer('tracks the most tasks of a level running at once', () => {
  const events = [
    ev('worker_started', 0, { workerId: 0 }),
    ev('worker_started', 0, { workerId: 1 }),
    ev('task_created', 0, { taskId: 'A', level: 2 }),
    ev('task_created', 0, { taskId: 'B', level: 2 }),
    ev('task_claimed', 10, { taskId: 'A', workerId: 0 }),
    ev('task_claimed', 20, { taskId: 'B', workerId: 1 }),
    ev('task_complete', 30, { taskId: 'A', workerId: 0 }),
    ev('task_complete', 40, { taskId: 'B', workerId: 1 }),
  ];
  assert.is(snapshotOf(fold(events), T0 + 50).metrics.levelMetrics[0]?.maxParallel, 2);
});

Reducer('agrees with calculatePercentile on every level of a simulated run', () => {
  const events = generateRun(mulberry32(7), { workers: 3, tasksPerLevel: [5, 40, 12], failRate: 0 });
  const snap = snapshotOf(fold(events), T0);
  for (const level of snap.metrics.levelMetrics) {
    const durations = snap.tasks.filter((t) => t.level === level.level && t.executionDurationMs !== null).map((t) => t.executionDurationMs as number);
    assert.is(level.p50DurationMs, calculatePercentile(durations, 50));
    assert.is(level.p95DurationMs, calculatePercentile(durations, 95));
    assert.is(level.p99DurationMs, calculatePercentile(durations, 99));
    assert.is(level.percentileMethod, 'exact');
  }
});

Reducer('reports the run status: running, complete, failed', () => {
  const done = generateRun(mulberry32(1), { workers: 2, tasksPerLevel: [2, 2], failRate: 0 });
  assert.is(snapshotOf(fold(done.slice(0, 10)), T0).status, 'running');
  assert.is(snapshotOf(fold(done), T0).status, 'complete');
  const failing = generateRun(mulberry32(3), { workers: 2, tasksPerLevel: [3], failRate: 1, maxRetries: 1 });
  const failed = snapshotOf(fold(failing), T0);
  assert.is(failed.status, 'failed');
  assert.match(failed.error ?? '', /failed after 2 attempts: exit/);
});

Reducer('reopens a stopped run when work resumes', () => {
  // (fold updates the state in place: each case builds its own)
  const stopped = () => fold([...oneTask().slice(0, 6), ev('rush_stopped', 1200, {})]);
  assert.is(snapshotOf(stopped(), T0 + 5000).status, 'stopped');
  assert.is(snapshotOf(stopped(), T0 + 5000).metrics.totalDurationMs, 1200);
  const resumed = fold([ev('worker_started', 3000, { workerId: 1 })], stopped());
  assert.is(snapshotOf(resumed, T0 + 5000).status, 'running');
  assert.is(snapshotOf(resumed, T0 + 5000).metrics.totalDurationMs, 5000);
  assert.is(snapshotOf(fold([ev('worker_stopped', 3100, { workerId: 0 })], stopped()), T0 + 5000).status, 'stopped', 'a late stop is not new work');
});

Reducer.run();

const Checkpoint = suite('checkpointOf / restoreRunState');

Checkpoint('a restored checkpoint folds on to the same result as an uninterrupted fold', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 1000 }), (seed, cutAt) => {
      const events = generateRun(mulberry32(seed), { workers: 3, tasksPerLevel: [2, 5, 3], producer: 'p' });
      const cut = Math.min(cutAt, events.length);
      const restored = restoreRunState(JSON.parse(JSON.stringify(checkpointOf(fold(events.slice(0, cut))))));
      assert.ok(E.isRight(restored));
      if (E.isLeft(restored)) return;
      const resumed = fold(events.slice(cut), restored.right);
      assert.equal(snapshotOf(resumed, T0), snapshotOf(fold(events), T0));
    }),
    { numRuns: 40 },
  );
});

Checkpoint('refuses a checkpoint of the wrong shape with a reason', () => {
  const r = restoreRunState({ version: 1, tasks: 'nope' });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.match(r.left.message, /^checkpoint: /);
});

Checkpoint.run();
