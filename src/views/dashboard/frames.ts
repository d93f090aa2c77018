/**
 * When the dashboard draws: on a change (a snapshot, a key, a resize) and on a clock tick, but never
 * more often than once per `intervalMs` (200 ms: 5 frames a second). Leading and trailing, so a
 * lone key press draws at once and a burst of snapshots ends with its last state on screen.
 * Whether a frame is actually rendered is decided downstream: only when the model changed.
 */
import { asyncScheduler, interval, merge, throttleTime, type Observable, type SchedulerLike } from 'rxjs';

export function frameTicks(changes$: Observable<unknown>, intervalMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<unknown> {
  return merge(changes$, interval(intervalMs, scheduler)).pipe(throttleTime(intervalMs, scheduler, { leading: true, trailing: true }));
}
