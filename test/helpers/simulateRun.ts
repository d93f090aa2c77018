/**
 * A seeded simulation of a valid run: workers start and get ready, tasks are created with their
 * level, each level's tasks are claimed by free workers, some attempts fail and are retried, levels
 * complete in order, workers stop, the run completes. Integer-millisecond timestamps, events in
 * arrival (time) order with `producer`/`seq`. Used by the reducer, pipeline and property tests.
 */
import type { LifecycleEvent } from '../../src/events/codecs';
import { mulberry32 } from './seededRandom';

export interface RunShape {
  readonly seed: number;
  readonly workers: number;
  /** Tasks per level, in level order (levels are numbered from `firstLevel`). */
  readonly levelWidths: readonly number[];
  readonly firstLevel?: number;
  /** Probability that an attempt fails (retried until `maxAttempts`). */
  readonly failureRate?: number;
  readonly maxAttempts?: number;
  /** Leave the run unfinished after this many events (a run still going). */
  readonly cutAfter?: number;
  readonly start?: number;
  readonly producer?: string;
}

type Draft = { type: LifecycleEvent['type']; ts: number; data: Record<string, unknown> };

export function simulateRun(shape: RunShape): LifecycleEvent[] {
  const rand = mulberry32(shape.seed);
  const between = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const failureRate = shape.failureRate ?? 0.15;
  const maxAttempts = shape.maxAttempts ?? 3;
  const firstLevel = shape.firstLevel ?? 1;
  const start = shape.start ?? Date.UTC(2026, 0, 27, 8, 0, 0);
  const drafts: Draft[] = [];
  const at = (ts: number, type: Draft['type'], data: Record<string, unknown>): void => {
    drafts.push({ type, ts, data });
  };

  const total = shape.levelWidths.reduce((a, b) => a + b, 0);
  at(start, 'rush_started', { workers: shape.workers, totalTasks: total });
  const levels = shape.levelWidths.map((width, i) => {
    const level = firstLevel + i;
    return Array.from({ length: width }, (_, j) => `T-L${level}-${String(j + 1).padStart(3, '0')}`);
  });
  levels.forEach((ids, i) => ids.forEach((taskId) => at(start + 1, 'task_created', { taskId, level: firstLevel + i })));

  const free: number[] = [];
  for (let w = 0; w < shape.workers; w++) {
    const started = start + 2 + between(0, 20);
    const ready = started + between(1, 400);
    at(started, 'worker_started', { workerId: w });
    at(ready, 'worker_ready', { workerId: w });
    free.push(ready);
  }

  let clock = Math.max(...free);
  let failedForGood = false;
  for (let i = 0; i < levels.length && !failedForGood; i++) {
    const level = firstLevel + i;
    const ids = levels[i] ?? [];
    const levelStart = clock + between(0, 5);
    at(levelStart, 'level_started', { level, tasks: ids.length });
    const queue = ids.map((taskId) => ({ taskId, attempt: 1, notBefore: levelStart }));
    let levelEnd = levelStart;
    while (queue.length > 0) {
      const job = queue.shift()!;
      // the worker that frees up first takes the next job
      let w = 0;
      for (let k = 1; k < free.length; k++) if ((free[k] ?? 0) < (free[w] ?? 0)) w = k;
      const claimed = Math.max(free[w] ?? 0, job.notBefore) + between(0, 3);
      const started = claimed + between(0, 10);
      const duration = between(0, 5000);
      const finished = started + duration;
      at(claimed, 'task_claimed', { taskId: job.taskId, workerId: w });
      at(started, 'task_started', { taskId: job.taskId, workerId: w });
      const fails = rand() < failureRate;
      at(finished, fails ? 'verification_failed' : 'verification_passed', { taskId: job.taskId, workerId: w, durationMs: Math.min(duration, between(0, 50)) });
      if (fails) {
        at(finished, 'task_failed', { taskId: job.taskId, workerId: w, error: `exit ${between(1, 3)}` });
        if (job.attempt < maxAttempts) {
          const retryAt = finished + 100 * 2 ** job.attempt;
          at(finished, 'task_retry_scheduled', { taskId: job.taskId, retryCount: job.attempt, nextRetryAt: new Date(retryAt).toISOString() });
          queue.push({ taskId: job.taskId, attempt: job.attempt + 1, notBefore: retryAt });
        } else {
          failedForGood = true;
        }
      } else {
        at(finished, 'task_complete', { taskId: job.taskId, workerId: w, durationMs: duration });
      }
      free[w] = finished;
      levelEnd = Math.max(levelEnd, finished);
    }
    if (!failedForGood) at(levelEnd + 1, 'level_complete', { level });
    clock = levelEnd + 2;
  }
  const end = Math.max(clock, ...free) + 5;
  for (let w = 0; w < shape.workers; w++) at(end, 'worker_stopped', { workerId: w });
  at(end + 1, failedForGood ? 'rush_stopped' : 'rush_completed', {});

  // Arrival order is time order (stable for ties, which keeps each task's lifecycle in order).
  const ordered = drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.ts - b.d.ts || a.i - b.i);
  const producer = shape.producer ?? `sim-${shape.seed}`;
  const events = ordered.map(({ d }, i) => ({ ...d, producer, seq: i + 1 }) as unknown as LifecycleEvent);
  return shape.cutAfter === undefined ? events : events.slice(0, shape.cutAfter);
}
