/**
 * Values a run can hold (DESIGN §8). Past these, a figure is not data but damage or an attack: a
 * stamp of 9e15 ms makes `Date` throw, a duration of 1e304 ms prints as `2.7e+301h`. Such input is
 * rejected as `out_of_range`, counted, and never shown. Pure: the clock-relative bound (a stamp
 * more than a day ahead) is checked where the clock is, with `MAX_AHEAD_MS`.
 */
import type { LifecycleEvent } from './codecs';

/** 1970-01-01T00:00:00.000Z. */
export const MIN_TIMESTAMP_MS = 0;
/** 9999-12-31T23:59:59.999Z. */
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** A stamp this far ahead of the reader's clock is out of range, not merely "in the future". */
export const MAX_AHEAD_MS = 24 * 3_600_000;
/** Longest duration one task attempt (or verification) can take. */
export const MAX_DURATION_MS = 30 * 24 * 3_600_000;
/** Largest worker id, level, worker count or retry count. */
export const MAX_ID = 1_000_000;
/** Largest declared number of tasks. */
export const MAX_TASKS = 1_000_000_000;

export const inTimestampRange = (ms: number): boolean => ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
export const inDurationRange = (ms: number): boolean => Math.abs(ms) <= MAX_DURATION_MS;

/** What in an event is out of range, for a person; null when it is all in range. Checks only number fields: cheap per event. */
export function outOfRange(event: LifecycleEvent): string | null {
  if (!inTimestampRange(event.ts)) return `timestamp ${event.ts} ms is outside 1970–9999`;
  const d = event.data as {
    readonly workerId?: unknown;
    readonly durationMs?: unknown;
    readonly totalTasks?: unknown;
    readonly workers?: unknown;
    readonly level?: unknown;
    readonly retryCount?: unknown;
    readonly tasks?: unknown;
  };
  if (typeof d.workerId === 'number' && d.workerId > MAX_ID) return `worker id ${d.workerId} is over ${MAX_ID}`;
  if (typeof d.durationMs === 'number' && !inDurationRange(d.durationMs)) return `duration ${d.durationMs} ms is over 30 days`;
  if (typeof d.level === 'number' && d.level > MAX_ID) return `level ${d.level} is over ${MAX_ID}`;
  if (typeof d.totalTasks === 'number' && d.totalTasks > MAX_TASKS) return `declared total ${d.totalTasks} is over ${MAX_TASKS}`;
  if (typeof d.tasks === 'number' && d.tasks > MAX_TASKS) return `level size ${d.tasks} is over ${MAX_TASKS}`;
  if (typeof d.workers === 'number' && d.workers > MAX_ID) return `${d.workers} workers is over ${MAX_ID}`;
  if (typeof d.retryCount === 'number' && d.retryCount > MAX_ID) return `retry count ${d.retryCount} is over ${MAX_ID}`;
  return null;
}
