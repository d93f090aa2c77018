import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventOf, EventType } from '../../src/events/codecs';
import type { RecordEvent } from '../../src/orchestrator/eventLog';
import { LevelPlan, RunOutcome, Scheduler } from '../../src/orchestrator/scheduler';
import type { PlannedTask } from '../../src/graph/validateGraph';

const task = (id: string, level: number, dependencies: string[] = []): PlannedTask => ({ id, title: id, level, dependencies, command: `run ${id}`, timeoutMs: 1000 });
const levelsOf = (tasks: PlannedTask[]): LevelPlan[] =>
  [...new Set(tasks.map((t) => t.level))].sort((a, b) => a - b).map((level) => ({ level, tasks: tasks.filter((t) => t.level === level), startedAt: null }));

/** A scheduler over a work queue: what it queues, what it records, timers the test fires. */
function queueHarness(levels: LevelPlan[], retries = 1) {
  let clock = 1_000;
  const types: EventType[] = [];
  const queued: { taskId: string; attempt: number }[] = [];
  const timers: (() => void)[] = [];
  const record = ((type: EventType, data: Record<string, unknown>, at?: number) => {
    types.push(type);
    return { type, ts: at ?? clock, data } as unknown as EventOf<typeof type>;
  }) as unknown as RecordEvent;
  const scheduler = new Scheduler(levels, [], {
    record,
    now: () => clock,
    retries,
    backoff: () => 100,
    assign: () => {
      throw new Error('a queue scheduler assigns no worker');
    },
    queue: (t, attempt) => queued.push({ taskId: t.id, attempt }),
    setTimer: (fn) => {
      timers.push(fn);
      return () => undefined;
    },
  });
  let outcome: RunOutcome | null = null;
  void scheduler.done.then((o) => (outcome = o));
  return {
    scheduler,
    types,
    queued,
    timers,
    tick: () => (clock += 10),
    outcome: () => outcome,
  };
}

const queue = suite('Scheduler with a work queue');

queue('queues every claimable task of a level at once, and the next level when it is complete', async () => {
  const h = queueHarness(levelsOf([task('A', 1), task('B', 1), task('C', 1, ['A']), task('D', 2)]));
  h.scheduler.start();
  // C waits for A (same level); A and B go to the queue together, no worker named.
  assert.equal(h.queued, [{ taskId: 'A', attempt: 1 }, { taskId: 'B', attempt: 1 }]);
  h.scheduler.queuedTaskFinished('A', 7, h.tick(), { ok: true, durationMs: 5 });
  assert.equal(h.queued.map((q) => q.taskId), ['A', 'B', 'C']);
  h.scheduler.queuedTaskFinished('B', 8, h.tick(), { ok: true, durationMs: 5 });
  h.scheduler.queuedTaskFinished('C', 7, h.tick(), { ok: true, durationMs: 5 });
  assert.equal(h.queued.map((q) => q.taskId), ['A', 'B', 'C', 'D']);
  h.scheduler.queuedTaskFinished('D', 9, h.tick(), { ok: true, durationMs: 5 });
  await Promise.resolve();
  assert.equal(h.outcome(), { status: 'complete' });
  // The workers record their own moments: the orchestrator records only the levels.
  assert.equal(h.types, ['level_started', 'level_complete', 'level_started', 'level_complete']);
});

queue('a failure reported by a worker is retried through the queue, then fails the run when retries are spent', async () => {
  const h = queueHarness(levelsOf([task('A', 1)]), 1);
  h.scheduler.start();
  h.scheduler.queuedTaskFinished('A', 3, h.tick(), { ok: false, error: 'exit 1' });
  assert.equal(h.types, ['level_started', 'task_retry_scheduled'], 'task_failed is the worker’s to record');
  h.timers.shift()?.();
  assert.equal(h.queued, [{ taskId: 'A', attempt: 1 }, { taskId: 'A', attempt: 2 }]);
  h.scheduler.queuedTaskFinished('A', 4, h.tick(), { ok: false, error: 'exit 1' });
  await Promise.resolve();
  assert.equal(h.outcome(), { status: 'failed', error: 'level 1: task A failed after 2 attempts: exit 1', reason: 'failed_task' });
});

queue('an outcome for a task not running (a late or repeated report) changes nothing', () => {
  const h = queueHarness(levelsOf([task('A', 1), task('B', 1)]));
  h.scheduler.start();
  h.scheduler.queuedTaskFinished('A', 1, h.tick(), { ok: true, durationMs: 5 });
  h.scheduler.queuedTaskFinished('A', 2, h.tick(), { ok: false, error: 'late' });
  h.scheduler.queuedTaskFinished('Z', 2, h.tick(), { ok: true, durationMs: 5 });
  assert.equal(h.types, ['level_started']);
  assert.is(h.outcome(), null);
});

queue.run();
