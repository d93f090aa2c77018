/**
 * `sampleSnapshots(intervalMs, toSnapshot)`: snapshots (which sort lists and compute percentiles)
 * are made only when a sink is sent one — at most once per interval, the first at once and the
 * last after the stream ends — never once per event.
 *
 * A snapshot of a large run costs (200,000 tasks sorted and copied): the next one then waits at
 * least `COST_FACTOR` times as long as the last one took, counted from its end, so that making
 * snapshots takes at most a fifth of the time whatever the run's size. Without it, a dashboard
 * replaying a 200k-task log spent most of its time snapshotting and showed the run complete 8×
 * later than a one-shot `status`.
 */
import { asyncScheduler, defer, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { map, throttle } from 'rxjs/operators';

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;

/** The wait after a snapshot, in multiples of what it cost. */
export const COST_FACTOR = 4;

export function sampleSnapshots<T, S>(
  intervalMs: number,
  toSnapshot: (value: T) => S,
  scheduler: SchedulerLike = asyncScheduler,
  /** Where a snapshot's cost is read (the scheduler's clock: virtual time costs nothing in marble tests). */
  clock: () => number = () => scheduler.now(),
): OperatorFunction<T, S> {
  return (source) =>
    defer(() => {
      let wait = intervalMs;
      return source.pipe(
        // The duration is asked after the snapshot was made: `wait` is already this snapshot's.
        throttle(() => timer(wait, scheduler), { leading: true, trailing: true }),
        map((value) => {
          const start = clock();
          const snapshot = toSnapshot(value);
          wait = Math.max(intervalMs, COST_FACTOR * (clock() - start));
          return snapshot;
        }),
      );
    });
}
