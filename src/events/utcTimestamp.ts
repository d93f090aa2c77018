/**
 * UTC stamps as logs write them, read by arithmetic on their digits, for the fast path of
 * decoding: `YYYY-MM-DDTHH:MM:SS`, a fraction of 1 to 9 digits or none, then `Z` (ours,
 * `…:34.512Z`) or an offset `±HH:MM` (upstream's Python, `…:34.512733+00:00`). `parseTimestamp`
 * reads every form (naive, other offsets, a space for `T`…) through regular expressions and
 * `Date`, several times slower. This reads only these, exactly as `parseTimestamp` would (a
 * property test holds them equal), and leaves every other form to it.
 */

const DIGIT_0 = 48;
/** A non-digit makes any field it is part of negative, hence out of range. */
const NOT_A_DIGIT = -1e5;
const digit = (b: Uint8Array, i: number): number => {
  const c = (b[i] as number) - DIGIT_0;
  return c >= 0 && c <= 9 ? c : NOT_A_DIGIT;
};

/**
 * Milliseconds of a k-digit fraction `f`: `parseTimestamp` computes `Number('0.' + digits) * 1000`,
 * and `Number` of that decimal is the double nearest f / 10^k, which is what the division of
 * these two exact doubles gives: the same number, without a string.
 */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MAX_FRACTION_DIGITS = 9;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days from 1970-01-01 to a proleptic Gregorian date (integer arithmetic, what `Date.UTC` computes). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MINUS = 45;
const PLUS = 43;
const T = 84;
const COLON = 58;
const DOT = 46;
const Z = 90;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= DIGIT_0 && c <= DIGIT_0 + 9;

/** Longest stamp this reads: 19 + 1 + 9 + 6 characters. */
export const MAX_STAMP_LENGTH = 35;

/**
 * The stamp in the bytes `b[i, i + n)` → epoch ms exactly as `parseTimestamp` computes it, or
 * undefined for any other form (which then goes through `parseTimestamp`): a year before 100
 * (which `Date.UTC` reads as 19xx), a day the month does not have, anything out of range.
 * Read in place, so that the line reader makes no string of the stamp.
 */
export function utcTimestampIn(b: Uint8Array, i: number, n: number): number | undefined {
  if (n < 20 || n > MAX_STAMP_LENGTH) return undefined;
  const wall = wallIn(b, i, n);
  if (wall === undefined) return undefined;
  const j = wallEnd;
  const end = i + n;
  if (j === end - 1 && b[j] === Z) return wall;
  // `±HH:MM`, its minutes subtracted as `parseTimestamp` does.
  const sign = b[j];
  if (j !== end - 6 || (sign !== PLUS && sign !== MINUS) || b[j + 3] !== COLON) return undefined;
  const hours = digit(b, j + 1) * 10 + digit(b, j + 2);
  const minutes = digit(b, j + 4) * 10 + digit(b, j + 5);
  if (hours < 0 || minutes < 0) return undefined;
  const offset = hours * 60 + minutes;
  return wall - (sign === MINUS ? -offset : offset) * 60_000;
}

/** Where the last `wallIn` stopped reading (after the fraction, if any). */
let wallEnd = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS` and a fraction of 1 to 9 digits or none, from `b[i]` (at most `n` bytes):
 * that wall time read as UTC, in ms, as `parseTimestamp` computes it; `wallEnd` is then where it
 * stopped. Undefined for any other form, a year before 100, a date the calendar does not have.
 */
function wallIn(b: Uint8Array, i: number, n: number): number | undefined {
  if (n < 19) return undefined;
  if (b[i + 4] !== MINUS || b[i + 7] !== MINUS || b[i + 10] !== T || b[i + 13] !== COLON || b[i + 16] !== COLON) return undefined;
  const year = digit(b, i) * 1000 + digit(b, i + 1) * 100 + digit(b, i + 2) * 10 + digit(b, i + 3);
  const month = digit(b, i + 5) * 10 + digit(b, i + 6);
  const day = digit(b, i + 8) * 10 + digit(b, i + 9);
  const hour = digit(b, i + 11) * 10 + digit(b, i + 12);
  const minute = digit(b, i + 14) * 10 + digit(b, i + 15);
  const second = digit(b, i + 17) * 10 + digit(b, i + 18);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  let wall = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000;
  let j = i + 19;
  const end = i + n;
  if (j < end && b[j] === DOT) {
    j += 1;
    let fraction = 0;
    let k = 0;
    for (; j < end && isDigit(b[j]) && k < MAX_FRACTION_DIGITS; k++, j++) fraction = fraction * 10 + ((b[j] as number) - DIGIT_0);
    if (k === 0) return undefined;
    wall += (fraction / (POW10[k] as number)) * 1000;
  }
  wallEnd = j;
  return wall;
}

/** A naive stamp's bytes `b[i, i + n)` (no zone: `…T08:45:34.512733`) → its wall time read as UTC (ms), or undefined for any other form. */
export function naiveWallIn(b: Uint8Array, i: number, n: number): number | undefined {
  if (n > MAX_NAIVE_LENGTH) return undefined;
  const wall = wallIn(b, i, n);
  return wall !== undefined && wallEnd === i + n ? wall : undefined;
}

/** Longest naive stamp this reads: 19 + 1 + 9 characters. */
const MAX_NAIVE_LENGTH = 29;

/** Where a stamp that is a string is copied to be read (one buffer, not one per stamp). */
const scratch = new Uint8Array(MAX_STAMP_LENGTH);

/** Copies `s` into `scratch` when it is ASCII and short enough to be a stamp: its length, else -1. */
function toScratch(s: string): number {
  const n = s.length;
  if (n > MAX_STAMP_LENGTH) return -1;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 127) return -1;
    scratch[k] = c;
  }
  return n;
}

/** `utcTimestampIn` of a whole string (a character that is not ASCII: not this form). */
export function fastUtcTimestamp(s: string): number | undefined {
  const n = s.length;
  if (n < 20 || n > MAX_STAMP_LENGTH) return undefined;
  return toScratch(s) < 0 ? undefined : utcTimestampIn(scratch, 0, n);
}

/**
 * Whether a stamp ends in a zone as `utcTimestampIn` reads it (`Z`, `±HH:MM`): only such a stamp
 * can be of that form, and only one without can be naive — so a stamp is read once, as one or the other.
 */
export function endsInZone(s: string): boolean {
  const n = s.length;
  if (s.charCodeAt(n - 1) === Z) return true;
  const sign = s.charCodeAt(n - 6);
  return (sign === PLUS || sign === MINUS) && s.charCodeAt(n - 3) === COLON;
}

/** `naiveWallIn` of a whole string. */
export function fastNaiveWall(s: string): number | undefined {
  const n = toScratch(s);
  return n < 0 ? undefined : naiveWallIn(scratch, 0, n);
}
