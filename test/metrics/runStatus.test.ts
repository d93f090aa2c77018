/**
 * Run status, interrupted attempts, stopped levels and resume accounting (DESIGN §4.3, §5): what a
 * run that was stopped by a signal and resumed reads like.
 */
import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { collectFromState } from '../../src/state/collect';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import { checkpointOf, restoreRunState } from '../../src/metrics/checkpoint';
import { initialState, type StateFile } from '../../src/state/codecs';
import { applySnapshot } from '../../src/state/fromSnapshot';
import { ev, fold, T0 } from '../helpers/events';

/** Two workers, level 1 (A) then level 2 (B, C): A fails once and passes; during B's retry the run is stopped by a signal. */
const stoppedDuringRetry = (): LifecycleEvent[] => [
  ev('rush_started', 0, { workers: 2, totalTasks: 3 }),
  ev('worker_started', 0, { workerId: 1 }),
  ev('worker_started', 0, { workerId: 2 }),
  ev('worker_ready', 100, { workerId: 1 }),
  ev('worker_ready', 100, { workerId: 2 }),
  ev('task_created', 0, { taskId: 'A', level: 1 }),
  ev('task_created', 0, { taskId: 'B', level: 2 }),
  ev('task_created', 0, { taskId: 'C', level: 2 }),
  ev('level_started', 200, { level: 1, tasks: 1 }),
  ev('task_claimed', 200, { taskId: 'A', workerId: 1 }),
  ev('task_complete', 1200, { taskId: 'A', workerId: 1, durationMs: 1000 }),
  ev('level_complete', 1200, { level: 1 }),
  ev('level_started', 1300, { level: 2, tasks: 2 }),
  ev('task_claimed', 1300, { taskId: 'B', workerId: 1 }),
  ev('task_claimed', 1300, { taskId: 'C', workerId: 2 }),
  ev('task_failed', 2300, { taskId: 'B', workerId: 1, error: 'exit 1' }),
  ev('task_retry_scheduled', 2300, { taskId: 'B', retryCount: 1 }),
  ev('task_claimed', 2400, { taskId: 'B', workerId: 1 }),
  ev('worker_heartbeat', 3000, { workerId: 1, taskId: 'B' }),
  // Ctrl-C at +4s: both running attempts are interrupted, the workers stop, the run stops.
  ev('task_interrupted', 4000, { taskId: 'B', workerId: 1, reason: 'signal' }),
  ev('task_interrupted', 4000, { taskId: 'C', workerId: 2, reason: 'signal' }),
  ev('worker_stopped', 4010, { workerId: 1 }),
  ev('worker_stopped', 4010, { workerId: 2 }),
  ev('rush_stopped', 4020, { reason: 'signal' }),
];

/** `rush --resume` an hour later, in the same worker slots: B and C run again and pass. */
const PAUSE = 3_600_000;
const resumed = (): LifecycleEvent[] => [
  ev('rush_started', 4020 + PAUSE, { workers: 2, totalTasks: 3 }),
  ev('worker_started', 4020 + PAUSE, { workerId: 1 }),
  ev('worker_started', 4020 + PAUSE, { workerId: 2 }),
  ev('worker_ready', 4120 + PAUSE, { workerId: 1 }),
  ev('worker_ready', 4120 + PAUSE, { workerId: 2 }),
  ev('level_started', 4200 + PAUSE, { level: 2, tasks: 2 }),
  ev('task_claimed', 4200 + PAUSE, { taskId: 'B', workerId: 1 }),
  ev('task_claimed', 4200 + PAUSE, { taskId: 'C', workerId: 2 }),
  ev('task_complete', 5200 + PAUSE, { taskId: 'B', workerId: 1, durationMs: 1000 }),
  ev('task_complete', 5200 + PAUSE, { taskId: 'C', workerId: 2, durationMs: 1000 }),
  ev('level_complete', 5200 + PAUSE, { level: 2 }),
  ev('worker_stopped', 5300 + PAUSE, { workerId: 1 }),
  ev('worker_stopped', 5300 + PAUSE, { workerId: 2 }),
  ev('rush_completed', 5400 + PAUSE, {}),
];

const Status = suite('run status, interruptions and resumes');

Status('a run stopped by a signal while a retry runs reads stopped, not failed; the interrupted attempt is no failure', () => {
  const s = snapshotOf(fold(stoppedDuringRetry()), T0 + 10_000);
  assert.is(s.status, 'stopped');
  assert.is(s.endReason, 'signal');
  assert.is(s.error, null);
  assert.is(s.metrics.tasksFailed, 0);
  assert.equal(
    s.metrics.levelMetrics.map((l) => l.failedCount),
    [0, 0],
  );
  const b = s.tasks.find((t) => t.taskId === 'B');
  assert.is(b?.status, 'pending');
  assert.is(b?.attempts, 2);
  assert.equal(
    s.failures.map((f) => [f.taskId, f.attempt, f.kind]),
    [
      ['B', 1, 'failed'],
      ['B', 2, 'interrupted'],
      ['C', 1, 'interrupted'],
    ],
  );
  // The interrupted attempts ended at the stop: the workers were busy until then, not since.
  assert.equal(
    s.metrics.workerMetrics.map((w) => [w.busyMs, w.currentTask, w.uptimeMs]),
    [
      [1000 + 1000 + 1600, null, 4010],
      [2700, null, 4010],
    ],
  );
});

Status('levels of a stopped run: the one it left unfinished reads stopped, a later one pending', () => {
  const events = stoppedDuringRetry().map((e) => (e.type === 'task_created' && e.data.taskId === 'C' ? ev('task_created', 0, { taskId: 'C', level: 3 }) : e));
  const withoutC = events.filter((e) => !('taskId' in e.data && e.data.taskId === 'C' && e.type !== 'task_created'));
  const s = snapshotOf(fold(withoutC), T0 + 10_000);
  assert.equal(
    s.metrics.levelMetrics.map((l) => [l.level, l.status]),
    [
      [1, 'complete'],
      [2, 'stopped'],
      [3, 'pending'],
    ],
  );
  assert.is(s.metrics.levelsCompleted, 1);
});

Status('while it runs, a begun level reads running; the run reads running until an end event', () => {
  const s = snapshotOf(fold(stoppedDuringRetry().slice(0, 18)), T0 + 3_500);
  assert.is(s.status, 'running');
  assert.is(s.endedAt, null);
  assert.is(s.metrics.levelMetrics[1]?.status, 'running');
});

Status('resumed: attempts are numbered by claims (1, 2, 3), worker slots are reused and the pause is left out', () => {
  const s = snapshotOf(fold([...stoppedDuringRetry(), ...resumed()]), T0 + 2 * PAUSE);
  assert.is(s.status, 'complete');
  assert.is(s.metrics.tasksCompleted, 3);
  assert.is(s.metrics.tasksFailed, 0);
  assert.is(s.tasks.find((t) => t.taskId === 'B')?.attempts, 3);
  assert.equal(
    s.failures.map((f) => [f.taskId, f.attempt, f.kind, f.recovered]),
    [
      ['B', 1, 'failed', true],
      ['B', 2, 'interrupted', true],
      ['C', 1, 'interrupted', true],
    ],
  );
  // Three workers would be six if a resume counted its slots again.
  assert.is(s.metrics.workersUsed, 2);
  // Each slot's uptime sums its lifetimes (4010 ms, then 1280 ms), not the hour it stood stopped.
  assert.equal(
    s.metrics.workerMetrics.map((w) => w.uptimeMs),
    [4010 + 1280, 4010 + 1280],
  );
  assert.is(s.metrics.totalDurationMs, 5400 + PAUSE);
  assert.is(s.metrics.activeDurationMs, 5400);
  // Level 2 ran from +1.3s to the stop at +4.02s, and from the resume to its completion 1.18s later.
  assert.is(s.metrics.levelMetrics[1]?.durationMs, 4020 - 1300 + (5200 - 4020));
  assert.is(s.metrics.levelMetrics[0]?.durationMs, 1000);
});

Status('a worker stopped (or left behind by an ended run) stops counting uptime', () => {
  const events = stoppedDuringRetry().filter((e) => e.type !== 'worker_stopped');
  const s = snapshotOf(fold(events), T0 + 10 * PAUSE);
  assert.equal(
    s.metrics.workerMetrics.map((w) => w.uptimeMs),
    [4020, 4020],
  );
});

Status('heartbeats: the last one per worker, and when its current attempt began', () => {
  const s = snapshotOf(fold(stoppedDuringRetry().slice(0, 19)), T0 + 3_500);
  const w1 = s.metrics.workerMetrics.find((w) => w.workerId === 1);
  assert.is(w1?.lastHeartbeatAt, T0 + 3000);
  assert.is(w1?.currentTaskStartedAt, T0 + 2400);
  assert.is(s.metrics.workerMetrics.find((w) => w.workerId === 2)?.lastHeartbeatAt, null);
});

Status('failed: a task failed for good (its last attempt failed and nothing followed), with or without a reason', () => {
  const failedForGood = [
    ...stoppedDuringRetry().slice(0, 16),
    ev('task_complete', 2500, { taskId: 'C', workerId: 2, durationMs: 1200 }),
    ev('worker_stopped', 2600, { workerId: 1 }),
    ev('worker_stopped', 2600, { workerId: 2 }),
  ];
  for (const end of [ev('rush_stopped', 2700, { reason: 'failed_task' }), ev('rush_stopped', 2700, {}), ev('rush_completed', 2700, {})]) {
    const s = snapshotOf(fold([...failedForGood, end]), T0 + 10_000);
    assert.is(s.status, 'failed', JSON.stringify(end.data));
    assert.is(s.error, 'task B failed after 1 attempt: exit 1');
    assert.is(s.metrics.levelMetrics[1]?.status, 'failed');
    assert.is(s.metrics.tasksFailed, 1);
  }
});

Status('a failure with its retry still waiting is counted failed, but a run stopped then is stopped', () => {
  const waiting = [...stoppedDuringRetry().slice(0, 17), ev('rush_stopped', 2400, {})];
  const s = snapshotOf(fold(waiting), T0 + 10_000);
  assert.is(s.status, 'stopped');
  assert.is(s.metrics.tasksFailed, 1);
  assert.is(s.metrics.levelMetrics[1]?.status, 'stopped');
});

Status('a checkpoint keeps the interruptions, the pauses and the worker lifetimes', () => {
  const half = fold(stoppedDuringRetry());
  const restored = restoreRunState(JSON.parse(JSON.stringify(checkpointOf(half))));
  assert.ok(E.isRight(restored));
  if (E.isLeft(restored)) return;
  const now = T0 + 2 * PAUSE;
  assert.equal(snapshotOf(fold(resumed(), restored.right), now), snapshotOf(fold([...stoppedDuringRetry(), ...resumed()]), now));
});

Status('a checkpoint of version 1 (before exact dedupe) restores: its seq_hwm reads as every seq up to it', () => {
  const events = stoppedDuringRetry()
    .filter((e) => e.type !== 'task_interrupted' && e.type !== 'worker_heartbeat')
    .map((e, i) => ({ ...e, producer: 'orch', seq: i + 1 }) as LifecycleEvent);
  const state = fold(events);
  const { seqRanges: _r, recentLines: _l, endReason: _e, pauses: _p, ...rest } = JSON.parse(JSON.stringify(checkpointOf(state))) as Record<string, unknown>;
  const v1 = {
    ...rest,
    version: 1,
    seqHwm: { orch: events.length },
    tasks: (rest.tasks as Record<string, unknown>[]).map(({ lastOutcome: _, ...t }) => t),
    workers: (rest.workers as Record<string, unknown>[]).map(({ lifetimeStartedAt: _a, pastLifetimes: _b, lastHeartbeatAt: _c, ...w }) => w),
    failures: (rest.failures as Record<string, unknown>[]).map(({ kind: _, ...f }) => f),
  };
  const restored = restoreRunState(v1);
  assert.ok(E.isRight(restored));
  if (E.isLeft(restored)) return;
  assert.ok(restored.right.seenSeqs.has('orch', 1));
  assert.ok(restored.right.seenSeqs.has('orch', events.length));
  assert.not.ok(restored.right.seenSeqs.has('orch', events.length + 1));
  const { source: _s, ...expected } = snapshotOf(state, T0 + 10_000).metrics;
  const { source: _t, ...actual } = snapshotOf(restored.right, T0 + 10_000).metrics;
  assert.equal(actual, expected);
});

Status('a state file written for a stopped, then a resumed run gives back the metrics of the stream', () => {
  const now = T0 + 2 * PAUSE;
  const cases = [stoppedDuringRetry(), [...stoppedDuringRetry(), ...resumed()], [...stoppedDuringRetry(), ...resumed().slice(0, 8)]];
  for (const events of cases) {
    const streamed = snapshotOf(fold(events), now);
    const saved = JSON.parse(JSON.stringify(applySnapshot(initialState('f'), streamed, null))) as StateFile;
    const fromState = collectFromState(saved, now);
    const { source: _, ...expected } = streamed.metrics;
    assert.equal(fromState.metrics, { ...expected, source: { eventsOffset: 0, seqHwm: {}, seqRanges: {} } });
    assert.is(fromState.status, streamed.status);
    assert.equal(fromState.failures, streamed.failures);
    assert.equal(fromState.pauses, streamed.pauses);
  }
});

Status.run();
