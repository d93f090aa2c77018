/**
 * `flagFutureTimestamps(now, toleranceMs)`: an event stamped later than the clock (beyond a
 * tolerance) says a producer's clock is off; it is folded in as stamped and counted in
 * `future_timestamps`. The reducer is clock-free, so the check lives here, with the injected clock,
 * which is read only when an event looks like it is ahead of the last reading.
 */
import { defer, type OperatorFunction } from 'rxjs';
import { map } from 'rxjs/operators';
import type { FoldInput } from './inputs';

const DEFAULT_FUTURE_TOLERANCE_MS = 1000;

export function flagFutureTimestamps(now: () => number, toleranceMs = DEFAULT_FUTURE_TOLERANCE_MS): OperatorFunction<readonly FoldInput[], FoldInput[]> {
  return (source) =>
    defer(() => {
      let clock = -Infinity;
      return source.pipe(
        map((batch) => {
          let out: FoldInput[] | null = null;
          batch.forEach((input, i) => {
            if (input.kind === 'event' && input.event.ts > clock + toleranceMs) {
              clock = now();
              if (input.event.ts > clock + toleranceMs) {
                // Copy on the first flag only: most batches have none.
                out ??= batch.slice(0, i);
                out.push({ kind: 'count', counter: 'futureTimestamps' });
              }
            }
            out?.push(input);
          });
          return out ?? (batch as FoldInput[]);
        }),
      );
    });
}
