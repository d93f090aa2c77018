/**
 * `durationMs` (DESIGN §4.1): the seed's `duration_ms(start, end)`.
 *
 * Whole milliseconds between two stamps, truncated toward zero, `null` when either stamp is missing
 * or unreadable. Negative results are returned as they are: deciding that a negative duration is
 * an anomaly (and counting it) is the reducer's job, not this function's.
 */
import * as E from 'fp-ts/Either';
import { parseTimestamp, type TimestampOptions } from '../events/timestamp';

/** Epoch ms (fractions carry microseconds), an ISO-8601 string, or a `Date`; absent as null/undefined. */
export type Stamp = number | string | Date | null | undefined;

export type DurationOptions = TimestampOptions;

/** `end − start` in whole ms, truncated toward zero; `null` if either is missing or unparsable. */
export function durationMs(start: Stamp, end: Stamp, options: DurationOptions = {}): number | null {
  const a = toEpochMs(start, options);
  if (a === null) return null;
  const b = toEpochMs(end, options);
  if (b === null) return null;
  // Stamps with microseconds are fractional ms, and their difference carries binary noise
  // (…01.5 − …00.0 can come out as 1499.9999998). Rounding to the microsecond first removes the
  // noise without moving a true difference across a millisecond boundary.
  const ms = Math.trunc(Math.round((b - a) * 1000) / 1000);
  // `Math.trunc(-0.4)` is −0, which prints as 0 but is not `Object.is` 0.
  return ms === 0 ? 0 : ms;
}

/** A stamp as epoch ms, or `null` when it is absent or cannot be read. */
export function toEpochMs(stamp: Stamp, options: DurationOptions = {}): number | null {
  if (stamp === null || stamp === undefined) return null;
  if (typeof stamp === 'number') return Number.isFinite(stamp) ? stamp : null;
  if (stamp instanceof Date) {
    const ms = stamp.getTime();
    return Number.isFinite(ms) ? ms : null;
  }
  const parsed = parseTimestamp(stamp, options);
  return E.isRight(parsed) ? parsed.right : null;
}
