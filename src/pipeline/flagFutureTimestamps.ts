/**
 * `flagFutureTimestamps(now, toleranceMs)`: an event stamped later than the clock (beyond a
 * tolerance) says a producer's clock is off; it is folded in as stamped and counted in
 * `future_timestamps`. One stamped more than a day ahead is no clock skew but a value out of range
 * (DESIGN §8): it is rejected as `out_of_range` instead, and not folded. The reducer is clock-free, so the check lives here, with the injected clock,
 * which is read only when an event looks like it is ahead of the last reading.
 */
import { defer, type OperatorFunction } from 'rxjs';
import { map } from 'rxjs/operators';
import { MAX_AHEAD_MS } from '../events/range';
import type { EventInput, FoldInput, RejectedInput } from '../sources/inputs';

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
                if (input.event.ts > clock + MAX_AHEAD_MS) {
                  out.push(tooFarAhead(input, clock));
                  return;
                }
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

function tooFarAhead(input: EventInput, clock: number): RejectedInput {
  const detail = `${input.event.type}: timestamp ${Math.round((input.event.ts - clock) / 3_600_000)} h ahead of the clock (more than a day)`;
  return { kind: 'rejected', reason: 'out_of_range', detail, line: input.line ?? null, ...(input.offset !== undefined ? { offset: input.offset } : {}) };
}
