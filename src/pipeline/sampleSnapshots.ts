/**
 * `sampleSnapshots(intervalMs, toSnapshot)`: snapshots (which sort lists and compute percentiles)
 * are made only when a sink is sent one — at most once per interval, the first at once and the
 * last after the stream ends — never once per event.
 */
import { asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { map, throttleTime } from 'rxjs/operators';

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;

export function sampleSnapshots<T, S>(
  intervalMs: number,
  toSnapshot: (value: T) => S,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, S> {
  return (source) => source.pipe(throttleTime(intervalMs, scheduler, { leading: true, trailing: true }), map(toSnapshot));
}
