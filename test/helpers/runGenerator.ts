/**
 * Valid runs, generated from a seed: the lifecycle events an orchestrator would record for a
 * feature (rush_started, workers started/ready, tasks created/claimed/started/(failed + retry)… /
 * complete, levels, workers stopped, rush_completed), with integer-millisecond timestamps (what
 * the state file keeps) in arrival order, optionally numbered by a producer.
 */
import type { LifecycleEvent } from '../../src/events/codecs';
import { eventLine } from '../../src/events/decode';
import { mulberry32 } from './seededRandom';

export interface RunShape {
  readonly workers: number;
  /** Tasks per level, level numbers from `firstLevel`. */
  readonly tasksPerLevel: readonly number[];
  readonly firstLevel?: number;
  /** Chance that an attempt fails (it is then retried). */
  readonly failRate?: number;
  /** Retries of a failed task; past them the task fails for good and the run stops. */
  readonly maxRetries?: number;
  /** Chance that a completed attempt reports verification. */
  readonly verifyRate?: number;
  /** Producer id: events get `producer` and `seq` 1, 2, ... in arrival order. Null: neither. */
  readonly producer?: string | null;
  readonly feature?: string;
  /** Epoch ms of the first event. */
  readonly startAt?: number;
}

export const DEFAULT_START = Date.UTC(2026, 0, 27, 8, 0, 0);

type Draft = { ts: number; order: number; event: Omit<LifecycleEvent, 'ts'> };

export function generateRun(rand: () => number, shape: RunShape): LifecycleEvent[] {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const failRate = shape.failRate ?? 0.1;
  const maxRetries = shape.maxRetries ?? 2;
  const verifyRate = shape.verifyRate ?? 0.3;
  const firstLevel = shape.firstLevel ?? 1;
  const totalTasks = shape.tasksPerLevel.reduce((a, b) => a + b, 0);
  const drafts: Draft[] = [];
  let order = 0;
  const at = (ts: number, event: Omit<LifecycleEvent, 'ts'>): void => {
    drafts.push({ ts, order: order++, event });
  };
  let t = shape.startAt ?? DEFAULT_START;
  at(t, { type: 'rush_started', data: { workers: shape.workers, totalTasks } } as Omit<LifecycleEvent, 'ts'>);

  const free: number[] = [];
  for (let w = 0; w < shape.workers; w++) {
    const started = t + int(1, 50);
    const ready = started + int(0, 900);
    at(started, { type: 'worker_started', data: { workerId: w } } as Omit<LifecycleEvent, 'ts'>);
    at(ready, { type: 'worker_ready', data: { workerId: w } } as Omit<LifecycleEvent, 'ts'>);
    free.push(ready);
  }
  const ids: string[][] = shape.tasksPerLevel.map((n, i) => Array.from({ length: n }, (_, k) => `T-L${firstLevel + i}-${String(k + 1).padStart(3, '0')}`));
  t += int(1, 20);
  ids.forEach((level, i) => level.forEach((id) => at(t, { type: 'task_created', data: { taskId: id, level: firstLevel + i } } as Omit<LifecycleEvent, 'ts'>)));

  let stopped = false;
  let levelStart = Math.max(t + 1, ...free);
  for (let i = 0; i < ids.length && !stopped; i++) {
    const level = firstLevel + i;
    const tasks = ids[i] as string[];
    at(levelStart, { type: 'level_started', data: { level, tasks: tasks.length } } as Omit<LifecycleEvent, 'ts'>);
    for (let w = 0; w < free.length; w++) free[w] = Math.max(free[w] as number, levelStart);
    let levelEnd = levelStart;
    for (const taskId of tasks) {
      // A retry is claimed after the failure it follows.
      let notBefore = levelStart;
      for (let attempt = 0; ; attempt++) {
        let w = 0;
        for (let k = 1; k < free.length; k++) if ((free[k] as number) < (free[w] as number)) w = k;
        const claimed = Math.max(free[w] as number, notBefore) + int(0, 30);
        const started = claimed + int(0, 40);
        const took = int(0, 5000);
        const ended = started + took;
        at(claimed, { type: 'task_claimed', data: { taskId, workerId: w } } as Omit<LifecycleEvent, 'ts'>);
        at(started, { type: 'task_started', data: { taskId, workerId: w } } as Omit<LifecycleEvent, 'ts'>);
        free[w] = ended + int(1, 20);
        levelEnd = Math.max(levelEnd, ended);
        if (rand() < failRate) {
          at(ended, { type: 'task_failed', data: { taskId, workerId: w, error: `exit ${int(1, 3)}` } } as Omit<LifecycleEvent, 'ts'>);
          if (attempt >= maxRetries) {
            stopped = true;
            break;
          }
          at(ended, { type: 'task_retry_scheduled', data: { taskId, retryCount: attempt + 1 } } as Omit<LifecycleEvent, 'ts'>);
          notBefore = ended + 1;
          continue;
        }
        if (rand() < verifyRate) {
          at(ended, { type: 'verification_passed', data: { taskId, workerId: w, durationMs: int(0, 300) } } as Omit<LifecycleEvent, 'ts'>);
        }
        const measured = rand() < 0.7;
        at(ended, { type: 'task_complete', data: measured ? { taskId, workerId: w, durationMs: took } : { taskId, workerId: w } } as Omit<LifecycleEvent, 'ts'>);
        break;
      }
      if (stopped) break;
    }
    levelEnd = Math.max(levelEnd, ...free);
    if (!stopped) at(levelEnd + 1, { type: 'level_complete', data: { level } } as Omit<LifecycleEvent, 'ts'>);
    levelStart = levelEnd + int(2, 50);
  }
  const end = Math.max(levelStart, ...free) + int(1, 50);
  for (let w = 0; w < shape.workers; w++) at(end + w, { type: 'worker_stopped', data: { workerId: w } } as Omit<LifecycleEvent, 'ts'>);
  at(end + shape.workers + 1, { type: stopped ? 'rush_stopped' : 'rush_completed', data: {} } as Omit<LifecycleEvent, 'ts'>);

  // Arrival order: by time, and in the order they were recorded within the same millisecond.
  drafts.sort((a, b) => a.ts - b.ts || a.order - b.order);
  return drafts.map((d, i) => {
    const e: Record<string, unknown> = { ...d.event, ts: d.ts };
    if (shape.feature !== undefined) e.feature = shape.feature;
    if (shape.producer) {
      e.producer = shape.producer;
      e.seq = i + 1;
    }
    return e as unknown as LifecycleEvent;
  });
}

/** The JSONL text of events. */
export const toJsonl = (events: readonly LifecycleEvent[]): string => events.map(eventLine).join('');

/**
 * `count` events of consecutive runs of one feature, an hour apart from 2026-01-01: run `r` is
 * generated from seed `seed + r` with its task ids prefixed `r-` (so runs never share a task), and
 * every event is numbered by one `producer` (`seq` 1, 2, ... in order). Lazy: a long log need not
 * be held in memory.
 */
export function* consecutiveRuns(
  count: number,
  seed: number,
  shape: Omit<RunShape, 'startAt' | 'producer'>,
  producer = 'orch',
): Generator<LifecycleEvent> {
  let seq = 0;
  for (let r = 0; seq < count; r++) {
    const run = generateRun(mulberry32(seed + r), { ...shape, startAt: Date.UTC(2026, 0, 1) + r * 3_600_000, producer: null });
    for (const e of run) {
      if (seq >= count) return;
      const renamed = 'taskId' in e.data ? ({ ...e, data: { ...e.data, taskId: `${r}-${e.data.taskId}` } } as LifecycleEvent) : e;
      yield { ...renamed, producer, seq: ++seq } as LifecycleEvent;
    }
  }
}
