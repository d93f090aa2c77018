/**
 * `flagFutureTimestamps(now, toleranceMs)`: an event stamped later than the clock (beyond a
 * tolerance) says a producer's clock is off; it is folded in as stamped and counted in
 * `future_timestamps`. The reducer is clock-free, so the check lives here, with the injected clock,
 * which is read only when an event looks like it is ahead of the last reading.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { DecodedInput } from './decodeInputs';

export const DEFAULT_FUTURE_TOLERANCE_MS = 1000;

export function flagFutureTimestamps(now: () => number, toleranceMs = DEFAULT_FUTURE_TOLERANCE_MS): OperatorFunction<DecodedInput, DecodedInput> {
  return (source) =>
    new Observable<DecodedInput>((subscriber) => {
      let clock = -Infinity;
      return source.subscribe({
        next: (input) => {
          if (input.kind === 'event' && input.event.ts > clock + toleranceMs) {
            clock = now();
            if (input.event.ts > clock + toleranceMs) subscriber.next({ kind: 'count', counter: 'futureTimestamps' });
          }
          subscriber.next(input);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
