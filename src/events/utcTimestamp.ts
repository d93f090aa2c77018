/**
 * The stamps we write, `YYYY-MM-DDTHH:MM:SS[.fff]Z`, read by arithmetic on their digits, for the
 * fast path of decoding: `parseTimestamp` reads every form (naive, offsets, any fraction) through
 * regular expressions and `Date`, several times slower. This reads only the UTC form, exactly as
 * `parseTimestamp` would (a property test holds them equal), and leaves every other form to it.
 */

const DIGIT_0 = 48;
/** A non-digit makes any field it is part of negative, hence out of range. */
const NOT_A_DIGIT = -1e5;
const digit = (b: Uint8Array, i: number): number => {
  const c = (b[i] as number) - DIGIT_0;
  return c >= 0 && c <= 9 ? c : NOT_A_DIGIT;
};

/** Milliseconds of a 3-digit fraction, computed exactly as `parseTimestamp` does (`Number('0.ddd') * 1000`). */
const MS_OF_FRACTION = Float64Array.from({ length: 1000 }, (_, i) => Number(`0.${String(i).padStart(3, '0')}`) * 1000);

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
const T = 84;
const COLON = 58;
const DOT = 46;
const Z = 90;

/**
 * The stamp in the bytes `b[i, i + n)`, `YYYY-MM-DDTHH:MM:SS[.fff]Z`, → epoch ms exactly as `parseTimestamp`
 * computes it, or undefined for any other form (which then goes through `parseTimestamp`): a
 * year before 100 (which `Date.UTC` reads as 19xx), a day the month does not have, anything out
 * of range. Read in place, so that the line reader makes no string of the stamp.
 */
export function utcTimestampIn(b: Uint8Array, i: number, n: number): number | undefined {
  if ((n !== 24 && n !== 20) || b[i + n - 1] !== Z) return undefined;
  if (b[i + 4] !== MINUS || b[i + 7] !== MINUS || b[i + 10] !== T || b[i + 13] !== COLON || b[i + 16] !== COLON) return undefined;
  const year = digit(b, i) * 1000 + digit(b, i + 1) * 100 + digit(b, i + 2) * 10 + digit(b, i + 3);
  const month = digit(b, i + 5) * 10 + digit(b, i + 6);
  const day = digit(b, i + 8) * 10 + digit(b, i + 9);
  const hour = digit(b, i + 11) * 10 + digit(b, i + 12);
  const minute = digit(b, i + 14) * 10 + digit(b, i + 15);
  const second = digit(b, i + 17) * 10 + digit(b, i + 18);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  const wholeSeconds = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000;
  if (n === 20) return wholeSeconds;
  const frac = digit(b, i + 20) * 100 + digit(b, i + 21) * 10 + digit(b, i + 22);
  if (b[i + 19] !== DOT || frac < 0) return undefined;
  return wholeSeconds + (MS_OF_FRACTION[frac] as number);
}

/** Where a stamp that is a string is copied to be read (one buffer, not one per stamp). */
const scratch = new Uint8Array(24);

/** `utcTimestampIn` of a whole string (a character that is not ASCII: not this form). */
export function fastUtcTimestamp(s: string): number | undefined {
  const n = s.length;
  if (n !== 24 && n !== 20) return undefined;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 127) return undefined;
    scratch[k] = c;
  }
  return utcTimestampIn(scratch, 0, n);
}
