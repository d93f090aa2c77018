/**
 * Reading JSON in place, a token at a time, for the line reader of `fastDecode`: literal text,
 * and scalars each read exactly as `JSON.parse` reads them, or not at all. What this does not read
 * simply (an escape in a string, a control character, an array) is declined, and the line goes
 * to `JSON.parse`. Only `charCodeAt` and one `slice` per string: a call to another string builtin
 * (`indexOf`, `startsWith`) costs more than reading a dozen characters.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_1 = 49;
const DIGIT_9 = 57;
const SMALL_E = 101;
const CAPITAL_E = 69;
const FIRST_PRINTABLE = 32;

/** What a read returns when it declines. */
export const NOT_READ: unique symbol = Symbol('not read');

/**
 * Where the last read ended (an index into the line), and the hash of the last string scanned
 * (`hashOf`). One object, so that the generated readers of `fastDecode` share it.
 */
export const cursor = { at: 0, hash: 0 };

const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;

/** Whether `s` has `text` at `i`. */
export function matches(s: string, i: number, text: string): boolean {
  const n = text.length;
  for (let k = 0; k < n; k++) if (s.charCodeAt(i + k) !== text.charCodeAt(k)) return false;
  return true;
}

/** Code testing for `text` at `s[at]` (`at` an expression): one comparison per character, of character codes only. */
export const literalCode = (text: string, at: string): string =>
  Array.from(text, (_, k) => `s.charCodeAt(${at} + ${k}) === ${text.charCodeAt(k)}`).join(' && ') || 'true';

export type Literal = (s: string, i: number) => boolean;

/**
 * A test for `text` at `s[i]`, compiled (`literalCode`): two to three times faster than `matches`,
 * which reads two strings per character. Where code generation is disallowed, `matches`.
 */
export function literal(text: string): Literal {
  try {
    return new Function('s', 'i', `return ${literalCode(text, 'i')};`) as Literal;
  } catch {
    return (s, i) => matches(s, i, text);
  }
}

/** Integers up to 15 digits are summed digit by digit, exactly; longer or fractional ones go through `Number`. */
const EXACT_DIGITS = 15;

/** The JSON number at `s[i]` (grammar of RFC 8259 §6), as `JSON.parse` reads it. */
function readNumber(s: string, i: number): number | typeof NOT_READ {
  const start = i;
  const negative = s.charCodeAt(i) === MINUS;
  if (negative) i += 1;
  const first = s.charCodeAt(i);
  let value = 0;
  if (first === DIGIT_0) i += 1; // a leading zero stands alone
  else if (first >= DIGIT_1 && first <= DIGIT_9) {
    do {
      value = value * 10 + (s.charCodeAt(i) - DIGIT_0);
      i += 1;
    } while (isDigit(s.charCodeAt(i)));
  } else return NOT_READ;
  const integerEnd = i;
  if (s.charCodeAt(i) === DOT) {
    i += 1;
    if (!isDigit(s.charCodeAt(i))) return NOT_READ;
    do i += 1;
    while (isDigit(s.charCodeAt(i)));
  }
  const e = s.charCodeAt(i);
  if (e === SMALL_E || e === CAPITAL_E) {
    i += 1;
    const sign = s.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i += 1;
    if (!isDigit(s.charCodeAt(i))) return NOT_READ;
    do i += 1;
    while (isDigit(s.charCodeAt(i)));
  }
  cursor.at = i;
  if (i === integerEnd && i - start <= EXACT_DIGITS) return negative ? -value : value;
  return Number(s.slice(start, i));
}

/** A hash of `text`: the one `scanString` computes while reading. */
export function hashOf(text: string): number {
  let h = 0;
  for (let k = 0; k < text.length; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return h;
}

/**
 * Scans the JSON string whose text starts at `s[i]` (after its opening quote): true when it has
 * no escape and no control character, so that its value is the characters up to the closing
 * quote. Then `cursor.at` is after that quote and `cursor.hash` is `hashOf` the value.
 */
export function scanString(s: string, i: number): boolean {
  let h = 0;
  for (let j = i; ; j++) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) {
      cursor.at = j + 1;
      cursor.hash = h;
      return true;
    }
    // The end of the line (NaN) too.
    if (!(c >= FIRST_PRINTABLE) || c === BACKSLASH) return false;
    h = (Math.imul(h, 31) + c) | 0;
  }
}

/** Strings read lately, by hash; only short ones (ids, names), so that the cache stays small. */
const RECENT_SLOTS = 4096;
const RECENT_MAX_LENGTH = 64;
const recentStrings = new Array<string>(RECENT_SLOTS).fill('');

/**
 * The JSON string whose text starts at `s[i]` when it is plain (`scanString`); NOT_READ otherwise.
 * A short string read lately is given as the same string object as before: log lines repeat
 * their producer and task ids, and every map keyed by them downstream then finds the hash the
 * engine computed once, instead of hashing a new copy per line.
 */
export function readString(s: string, i: number): string | typeof NOT_READ {
  if (!scanString(s, i)) return NOT_READ;
  const end = cursor.at - 1;
  if (end - i > RECENT_MAX_LENGTH) return s.slice(i, end);
  const slot = cursor.hash & (RECENT_SLOTS - 1);
  const recent = recentStrings[slot] as string;
  if (recent.length === end - i && matches(s, i, recent)) return recent;
  return (recentStrings[slot] = s.slice(i, end));
}

const LITERALS = [
  ['null', null],
  ['true', true],
  ['false', false],
].map(([text, value]) => ({ length: (text as string).length, at: literal(text as string), value }));

/** The JSON string, number, `true`, `false` or `null` at `s[i]`; NOT_READ for anything else. Leaves `cursor.at` after it. */
export function readScalar(s: string, i: number): unknown {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return readString(s, i + 1);
  if (c === MINUS || isDigit(c)) return readNumber(s, i);
  for (const { length, at, value } of LITERALS) {
    if (at(s, i)) {
      cursor.at = i + length;
      return value;
    }
  }
  return NOT_READ;
}
