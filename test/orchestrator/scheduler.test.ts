import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventOf, EventType } from '../../src/events/codecs';
import type { RecordEvent } from '../../src/orchestrator/eventLog';
import { LevelPlan, Progress, RunOutcome, Scheduler } from '../../src/orchestrator/scheduler';
import type { PlannedTask } from '../../src/graph/validateGraph';

const task = (id: string, level: number, dependencies: string[] = []): PlannedTask => ({ id, title: id, level, dependencies, command: `run ${id}`, timeoutMs: 1000 });
const levelsOf = (tasks: PlannedTask[], startedAt: Record<number, number> = {}): LevelPlan[] =>
  [...new Set(tasks.map((t) => t.level))].sort((a, b) => a - b).map((level) => ({ level, tasks: tasks.filter((t) => t.level === level), startedAt: startedAt[level] ?? null }));

interface Recorded {
  readonly type: EventType;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

/** A scheduler with a fake clock, fake timers and workers the test drives. */
function harness(levels: LevelPlan[], options: { retries?: number; complete?: string[]; backoff?: (n: number) => number } = {}) {
  let clock = 1_000;
  const events: Recorded[] = [];
  const assigned: { workerId: number; taskId: string; attempt: number }[] = [];
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const progress: Progress[] = [];
  const record = ((type: EventType, data: Record<string, unknown>, at?: number) => {
    const e = { type, ts: at ?? clock, data };
    events.push(e);
    return e as unknown as EventOf<typeof type>;
  }) as unknown as RecordEvent;
  const scheduler = new Scheduler(levels, options.complete ?? [], {
    record,
    now: () => clock,
    retries: options.retries ?? 2,
    backoff: options.backoff ?? ((n) => 500 * 2 ** (n - 1)),
    assign: (workerId, t, attempt) => assigned.push({ workerId, taskId: t.id, attempt }),
    setTimer: (fn, ms) => {
      const timer = { at: clock + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    progress: (p) => progress.push(p),
  });
  let outcome: RunOutcome | null = null;
  void scheduler.done.then((o) => {
    outcome = o;
  });
  const h = {
    scheduler,
    events,
    assigned,
    progress,
    types: () => events.map((e) => e.type),
    advance: (ms: number) => {
      clock += ms;
    },
    /** Runs the next assigned task on its worker: started, then finished ok or not after `ms`. */
    finishNext: (ok: boolean, ms = 100, error = 'exit 1') => {
      const next = assigned.shift();
      if (!next) throw new Error('nothing assigned');
      scheduler.taskStarted(next.workerId, next.taskId, clock);
      clock += ms;
      scheduler.taskFinished(next.workerId, { taskId: next.taskId, at: clock, ok, durationMs: ms, commandMs: ms - 1, error: ok ? null : error });
      return next;
    },
    /** Fires the earliest live timer, moving the clock to it. */
    fireTimer: () => {
      const live = timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
      if (!live) return false;
      live.live = false;
      clock = Math.max(clock, live.at);
      live.fn();
      return true;
    },
    /** Drives the run to its end; `fails[id]` = how many first attempts fail. */
    runToEnd: (fails: Record<string, number> = {}) => {
      const seen = new Map<string, number>();
      for (let guard = 0; guard < 1000; guard += 1) {
        const next = assigned[0];
        if (next) {
          const n = (seen.get(next.taskId) ?? 0) + 1;
          seen.set(next.taskId, n);
          h.finishNext(n > (fails[next.taskId] ?? 0));
          continue;
        }
        if (!h.fireTimer()) return;
      }
      throw new Error('runaway run');
    },
    outcome: async () => {
      await scheduler.done;
      return outcome;
    },
    liveTimers: () => timers.filter((t) => t.live).length,
  };
  return h;
}

const s = suite('Scheduler');

s('runs level by level, each task through claim, start, verification and completion', async () => {
  const h = harness(levelsOf([task('A', 1), task('B', 2, ['A'])]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.runToEnd();
  assert.equal(h.types(), [
    'level_started',
    'task_claimed',
    'task_started',
    'verification_passed',
    'task_complete',
    'level_complete',
    'level_started',
    'task_claimed',
    'task_started',
    'verification_passed',
    'task_complete',
    'level_complete',
  ]);
  assert.equal(h.events[0]?.data, { level: 1, tasks: ['A'] });
  assert.equal(h.events[4]?.data, { taskId: 'A', workerId: 1, durationMs: 100 });
  assert.equal(h.events[3]?.data, { taskId: 'A', workerId: 1, durationMs: 99 });
  assert.equal(await h.outcome(), { status: 'complete' });
});

s('never claims a task of the next level while the current one is running', () => {
  const h = harness(levelsOf([task('A', 1), task('B', 2), task('C', 2)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.scheduler.workerReady(2);
  assert.equal(h.assigned.map((a) => a.taskId), ['A']);
  h.finishNext(true);
  assert.equal(h.assigned.map((a) => [a.workerId, a.taskId]), [
    [1, 'B'],
    [2, 'C'],
  ]);
});

s('hands out tasks to workers that become ready after the level started', () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1)]));
  h.scheduler.start();
  assert.equal(h.assigned, []);
  h.scheduler.workerReady(7);
  assert.equal(h.assigned, [{ workerId: 7, taskId: 'A', attempt: 1 }]);
});

s('retries a failed task after the backoff, recording when', async () => {
  const h = harness(levelsOf([task('A', 1)]), { retries: 2 });
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.finishNext(false, 100, 'exit 3: broken');
  const failed = h.events.find((e) => e.type === 'task_failed');
  assert.equal(failed?.data, { taskId: 'A', workerId: 1, error: 'exit 3: broken' });
  const retry = h.events.find((e) => e.type === 'task_retry_scheduled');
  assert.equal(retry?.data, { taskId: 'A', retryCount: 1, nextRetryAt: new Date(1_100 + 500).toISOString() });
  assert.equal(h.assigned, [], 'not before the backoff');
  h.fireTimer();
  assert.equal(h.assigned, [{ workerId: 1, taskId: 'A', attempt: 2 }]);
  h.finishNext(true);
  assert.equal(await h.outcome(), { status: 'complete' });
  const p = h.progress.find((x) => x.kind === 'task_failed');
  assert.ok(p?.kind === 'task_failed' && p.attempt === 1 && p.maxAttempts === 3 && p.retryInMs === 500);
});

s('doubles the backoff on each retry', () => {
  const h = harness(levelsOf([task('A', 1)]), { retries: 3 });
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.runToEnd({ A: 3 });
  const retries = h.events.filter((e) => e.type === 'task_retry_scheduled').map((e) => e.data.retryCount);
  assert.equal(retries, [1, 2, 3]);
  const delays = h.progress.flatMap((p) => (p.kind === 'task_failed' ? [p.retryInMs] : []));
  assert.equal(delays, [500, 1000, 2000]);
});

s('a task failing every attempt stops the run after its level, without level_complete', async () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1), task('C', 2)]), { retries: 1 });
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.runToEnd({ A: 99 });
  const outcome = await h.outcome();
  assert.equal(outcome, { status: 'failed', error: 'level 1: task A failed after 2 attempts: exit 1', reason: 'failed_task' });
  assert.is(h.events.filter((e) => e.type === 'task_failed').length, 2);
  assert.ok(h.events.some((e) => e.type === 'task_complete' && e.data.taskId === 'B'), 'the rest of the level ran');
  assert.not.ok(h.types().includes('level_complete'));
  assert.is(h.events.filter((e) => e.type === 'level_started').length, 1, 'the next level never started');
});

s('a task waits for a dependency in its own level', () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1, ['A'])]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.scheduler.workerReady(2);
  assert.equal(h.assigned.map((a) => a.taskId), ['A'], 'worker 2 stays idle');
  h.finishNext(true);
  assert.equal(h.assigned.map((a) => a.taskId), ['B']);
});

s('a task whose same-level dependency failed is reported as not run', async () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1, ['A'])]), { retries: 0 });
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.runToEnd({ A: 1 });
  assert.equal(await h.outcome(), { status: 'failed', error: 'level 1: task A failed after 1 attempt: exit 1; B could not run', reason: 'failed_task' });
  const last = h.progress[h.progress.length - 1];
  assert.equal(last, { kind: 'level_failed', at: last?.at ?? 0, level: 1, failed: ['A'], blocked: ['B'] });
});

s('skips tasks completed by an earlier run and does not restart a started level', async () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1), task('C', 2)], { 1: 500 }), { complete: ['A'] });
  h.scheduler.start();
  h.scheduler.workerReady(5);
  h.runToEnd();
  assert.equal(h.events.filter((e) => e.type === 'task_claimed').map((e) => e.data.taskId), ['B', 'C']);
  assert.equal(h.events.filter((e) => e.type === 'level_started').map((e) => e.data.level), [2]);
  const levelDone = h.progress.find((p) => p.kind === 'level_complete' && p.level === 1);
  assert.ok(levelDone?.kind === 'level_complete' && levelDone.durationMs === levelDone.at - 500, 'level time counts from its first start');
  assert.equal(await h.outcome(), { status: 'complete' });
});

s('completes at once a started level whose tasks are all complete', async () => {
  const h = harness(levelsOf([task('A', 1)], { 1: 900 }), { complete: ['A'] });
  h.scheduler.start();
  assert.equal(h.types(), ['level_complete']);
  assert.equal(await h.outcome(), { status: 'complete' });
});

s('stop cancels pending retries and ignores later reports', async () => {
  const h = harness(levelsOf([task('A', 1), task('B', 1)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.scheduler.workerReady(2);
  h.finishNext(false);
  assert.is(h.liveTimers(), 1);
  h.scheduler.stop();
  assert.is(h.liveTimers(), 0);
  const before = h.events.length;
  h.finishNext(true);
  assert.is(h.events.length, before, 'nothing recorded after stop');
  assert.equal(await h.outcome(), { status: 'stopped' });
});

s('a worker that dies fails its attempt, which is retried on another worker', async () => {
  const h = harness(levelsOf([task('A', 1)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.assigned.length = 0;
  h.scheduler.workerReady(2);
  h.scheduler.workerGone(1, 'worker exited with code 9');
  assert.equal(h.events.find((e) => e.type === 'task_failed')?.data, { taskId: 'A', workerId: 1, error: 'worker exited with code 9' });
  h.fireTimer();
  assert.equal(h.assigned, [{ workerId: 2, taskId: 'A', attempt: 2 }]);
  h.finishNext(true);
  assert.equal(await h.outcome(), { status: 'complete' });
});

s('the run fails when every worker is gone', async () => {
  const h = harness(levelsOf([task('A', 1)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.scheduler.workerGone(1, 'worker exited on SIGKILL');
  const outcome = await h.outcome();
  assert.ok(outcome?.status === 'failed' && outcome.error.includes('every worker has exited') && outcome.reason === 'error');
});

s('ignores a report about a task the worker does not hold', () => {
  const h = harness(levelsOf([task('A', 1)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  const before = h.events.length;
  h.scheduler.taskStarted(2, 'A', 5);
  h.scheduler.taskFinished(2, { taskId: 'A', at: 6, ok: true, durationMs: 1, commandMs: 1, error: null });
  h.scheduler.taskFinished(1, { taskId: 'Z', at: 6, ok: true, durationMs: 1, commandMs: 1, error: null });
  assert.is(h.events.length, before);
});

s('stamps task_started with the worker’s own time', () => {
  const h = harness(levelsOf([task('A', 1)]));
  h.scheduler.start();
  h.scheduler.workerReady(1);
  h.scheduler.taskStarted(1, 'A', 1234.75);
  assert.equal(h.events[h.events.length - 1], { type: 'task_started', ts: 1234.75, data: { taskId: 'A', workerId: 1 } });
});

s.run();
