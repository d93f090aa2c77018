/**
 * Timestamp parsing. Upstream writes naive local ISO strings in its state file
 * (`2026-01-27T08:45:34.512733`) and UTC (`Z` or `+00:00`) in its logs. Comparing the two naively is
 * how upstream's metrics silently vanished, so every stamp becomes epoch milliseconds here, once.
 *
 * Results keep sub-millisecond precision (microseconds) so that `durationMs` truncates the true
 * difference, as upstream does, rather than the difference of two truncated stamps.
 */
import * as E from 'fp-ts/Either';
import { endsInZone, fastNaiveWall, fastUtcTimestamp } from './utcTimestamp';

export interface TimestampOptions {
  /**
   * Zone of naive stamps: an IANA name (`Europe/Berlin`), `UTC`, or an offset (`+02:00`).
   * Absent: the local zone of this machine, which is where upstream wrote them.
   */
  readonly naiveTz?: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;
/** The shape of stamp `parseTimestamp` accepts (ranges are checked after), for the event schema. */
export const TIMESTAMP_PATTERN = ISO.source;

/**
 * Parses an ISO-8601 stamp to epoch ms (with a fractional part for microseconds). The forms files
 * hold by the million — UTC (`…Z`, `…+00:00`) and naive (`…T08:45:34.512733`) — are read by
 * arithmetic (`utcTimestamp`), with the zone's offset remembered per minute; every other form
 * through the pattern (`parseTimestampByPattern`), which gives the same result for these.
 */
export function parseTimestamp(s: string, options: TimestampOptions = {}): E.Either<string, number> {
  if (endsInZone(s)) {
    const utc = fastUtcTimestamp(s);
    if (utc !== undefined) return E.right(utc);
  } else {
    const wall = fastNaiveWall(s);
    if (wall !== undefined) {
      const epoch = naiveEpochFast(wall, options.naiveTz);
      if (epoch !== undefined) return E.right(epoch);
    }
  }
  return parseTimestampByPattern(s, options);
}

/** `parseTimestamp` through its regular expression and `Date` only (what the fast forms are held equal to). */
export function parseTimestampByPattern(s: string, options: TimestampOptions = {}): E.Either<string, number> {
  const m = ISO.exec(s.trim());
  if (!m) return E.left(`not an ISO-8601 timestamp: ${JSON.stringify(s.slice(0, 40))}`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const fields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(sec ?? 0),
    ms: frac ? Number(`0.${frac}`) * 1000 : 0,
  };
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > 31 || fields.hour > 23 || fields.minute > 59 || fields.second > 60) {
    return E.left(`timestamp out of range: ${JSON.stringify(s)}`);
  }
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second) + fields.ms;
  // Date.UTC rolls 2026-02-31 over to March 3rd: a date that does not exist is an error, not another date.
  if (new Date(Date.UTC(fields.year, fields.month - 1, fields.day)).getUTCDate() !== fields.day) {
    return E.left(`timestamp out of range: ${JSON.stringify(s)}`);
  }
  if (zone) return E.right(wall - offsetOf(zone.toUpperCase()) * 60_000);
  return naiveToEpoch(wall, options.naiveTz);
}

/** Minutes east of UTC of a `Z` / `+hh:mm` designator. */
function offsetOf(zone: string): number {
  if (zone === 'Z' || zone === 'UTC') return 0;
  const m = OFFSET.exec(zone);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/** `wall` is the naive stamp read as if it were UTC; shift it by the zone's offset at that moment. */
function naiveToEpoch(wall: number, naiveTz: string | undefined): E.Either<string, number> {
  if (naiveTz === undefined) {
    const whole = Math.floor(wall);
    const d = new Date(whole);
    const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
    return E.right(local.getTime() + (wall - whole));
  }
  if (naiveTz.toUpperCase() === 'UTC' || naiveTz.toUpperCase() === 'Z') return E.right(wall);
  if (OFFSET.test(naiveTz)) return E.right(wall - offsetOf(naiveTz) * 60_000);
  const first = zoneOffsetMinutes(naiveTz, wall);
  if (first === null) return E.left(`unknown time zone: ${naiveTz}`);
  // The offset at the true instant can differ from the one at `wall` around a DST change.
  const guess = wall - first * 60_000;
  const second = zoneOffsetMinutes(naiveTz, guess) ?? first;
  return E.right(wall - second * 60_000);
}

/**
 * `naiveToEpoch`, with the zone's offset remembered per minute of wall time: a state file holds
 * hundreds of thousands of naive stamps, and asking the zone (a `Date` in local time, or
 * `Intl` for a named zone) costs more than all else done with a stamp. A minute is remembered
 * only when its first and last millisecond have the same offset (no change of offset inside it);
 * otherwise, or for an unknown zone, undefined (`naiveToEpoch` says why).
 */
function naiveEpochFast(wall: number, naiveTz: string | undefined): number | undefined {
  if (naiveTz !== undefined && !isNamedZone(naiveTz)) {
    const epoch = naiveToEpoch(wall, naiveTz);
    return E.isRight(epoch) ? epoch.right : undefined;
  }
  const whole = Math.floor(wall);
  const minute = Math.floor(whole / 60_000);
  const zone = naiveTz ?? '';
  const known = offsets.get(zone);
  let offset = known?.get(minute);
  if (offset === undefined) {
    const first = naiveOffset(minute * 60_000, naiveTz);
    const last = naiveOffset(minute * 60_000 + 59_999, naiveTz);
    if (first === undefined || first !== last) return undefined;
    offset = first;
    if (known === undefined) offsets.set(zone, new Map([[minute, offset]]));
    else {
      if (known.size >= MAX_MINUTES) known.clear();
      known.set(minute, offset);
    }
  }
  // The arithmetic of `naiveToEpoch`: the local instant of the whole ms, plus the sub-ms fraction.
  return naiveTz === undefined ? whole - offset + (wall - whole) : wall - offset;
}

/** Offsets per zone ('' for this machine's) and minute of wall time: ms to subtract (local), or the `wall -` term (named zones). */
const offsets = new Map<string, Map<number, number>>();
const MAX_MINUTES = 100_000;

const isNamedZone = (naiveTz: string): boolean => {
  const upper = naiveTz.toUpperCase();
  return upper !== 'UTC' && upper !== 'Z' && !OFFSET.test(naiveTz);
};

/**
 * For this machine's zone: `whole − naiveToEpoch(whole)`, the local offset at that whole ms. For a
 * named zone: `second × 60 000` of `naiveToEpoch`, the term it subtracts. Undefined for an unknown zone.
 */
function naiveOffset(whole: number, naiveTz: string | undefined): number | undefined {
  if (naiveTz === undefined) {
    const epoch = naiveToEpoch(whole, undefined);
    return E.isRight(epoch) ? whole - epoch.right : undefined;
  }
  const first = zoneOffsetMinutes(naiveTz, whole);
  if (first === null) return undefined;
  const second = zoneOffsetMinutes(naiveTz, whole - first * 60_000) ?? first;
  return second * 60_000;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The offset of `zone` (an IANA name) from UTC at an instant, in ms: the zone's wall clock read as
 * UTC, less the instant's whole second. Null for a zone Intl does not know.
 */
export function zoneOffsetMs(zone: string, epochMs: number): number | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  if (f === null) return null;
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(Math.floor(epochMs)))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

function zoneOffsetMinutes(zone: string, epochMs: number): number | null {
  const offset = zoneOffsetMs(zone, epochMs);
  return offset === null ? null : Math.round(offset / 60_000);
}

/** Checks a `--naive-tz` value up front, so a typo is a usage error and not a stream of rejects. */
export function isValidZone(naiveTz: string): boolean {
  return E.isRight(naiveToEpoch(0, naiveTz));
}

/** Epoch ms → the UTC ISO string we write (`...Z`, millisecond precision). */
export const formatTimestamp = (epochMs: number): string => new Date(Math.floor(epochMs)).toISOString();

/** `formatTimestamp`, passing null through. */
export const formatTimestampOrNull = (epochMs: number | null): string | null => (epochMs === null ? null : formatTimestamp(epochMs));
