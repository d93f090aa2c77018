/**
 * Reading JSON in place, in the bytes of a line, a token at a time, for the line reader of
 * `fastDecode`: literal text, and scalars each read exactly as `JSON.parse` reads them, or not at
 * all. What this does not read simply (an escape in a string, a control or non-ASCII character,
 * an array) is declined, and the line goes to `JSON.parse`. Bytes, not a string: a line read from
 * a buffer costs half what it costs read with `charCodeAt` from a string, and most lines then need
 * no string at all — only their strings do, and those repeat (`readString`).
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
const FIRST_NON_ASCII = 128;

/** What a read returns when it declines. */
export const NOT_READ: unique symbol = Symbol('not read');

/**
 * Where the last read ended (an index into the line), and the hash of the last string scanned
 * (`hashOf`). One object, so that the payload readers generated in `payloadSpecs` share it.
 */
export const cursor = { at: 0, hash: 0 };

const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;

/**
 * The byte at `b[i]`. Past the buffer it is undefined, and every comparison with it is false: a
 * read stops there as at the line's newline, which is no part of any token either.
 */
const byte = (b: Uint8Array, i: number): number => b[i] as number;

const SPACE = 32;
const TAB = 9;
const CARRIAGE_RETURN = 13;
const COLON = 58;

/** The index of the first byte from `i` on that is not JSON whitespace (a newline ends the line: it is not skipped). */
export function skipSpace(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c !== SPACE && c !== TAB && c !== CARRIAGE_RETURN) return i;
    i += 1;
  }
}

/** The index of a key's value, the key's closing quote ending before `i`: past whitespace, a colon, whitespace; -1 without the colon. */
export function valueAfter(b: Uint8Array, i: number): number {
  i = skipSpace(b, i);
  return b[i] === COLON ? skipSpace(b, i + 1) : -1;
}

/** Whether `b` has the (ASCII) `text` at `i`. */
function matches(b: Uint8Array, i: number, text: string): boolean {
  const n = text.length;
  for (let k = 0; k < n; k++) if (b[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** Code testing for the ASCII `text` at `b[at]` (`at` an expression): one comparison per byte, of numbers only. */
export const literalCode = (text: string, at: string): string =>
  Array.from(text, (_, k) => `b[${at} + ${k}] === ${text.charCodeAt(k)}`).join(' && ') || 'true';

export type Literal = (b: Uint8Array, i: number) => boolean;

/**
 * A test for the ASCII `text` at `b[i]`, compiled (`literalCode`): twice as fast as `matches`,
 * which reads `text` too. Where code generation is disallowed, `matches`.
 */
export function literal(text: string): Literal {
  try {
    return new Function('b', 'i', `return ${literalCode(text, 'i')};`) as Literal;
  } catch {
    return (b, i) => matches(b, i, text);
  }
}

/** Integers up to 15 digits are summed digit by digit, exactly; longer or fractional ones go through `Number`. */
const EXACT_DIGITS = 15;

/** The JSON number at `b[i]` (grammar of RFC 8259 §6), as `JSON.parse` reads it. */
function readNumber(b: Buffer, i: number): number | typeof NOT_READ {
  const start = i;
  const negative = byte(b, i) === MINUS;
  if (negative) i += 1;
  const first = byte(b, i);
  let value = 0;
  if (first === DIGIT_0) i += 1; // a leading zero stands alone
  else if (first >= DIGIT_1 && first <= DIGIT_9) {
    do {
      value = value * 10 + (byte(b, i) - DIGIT_0);
      i += 1;
    } while (isDigit(byte(b, i)));
  } else return NOT_READ;
  const integerEnd = i;
  if (byte(b, i) === DOT) {
    i += 1;
    if (!isDigit(byte(b, i))) return NOT_READ;
    do i += 1;
    while (isDigit(byte(b, i)));
  }
  const e = byte(b, i);
  if (e === SMALL_E || e === CAPITAL_E) {
    i += 1;
    const sign = byte(b, i);
    if (sign === PLUS || sign === MINUS) i += 1;
    if (!isDigit(byte(b, i))) return NOT_READ;
    do i += 1;
    while (isDigit(byte(b, i)));
  }
  cursor.at = i;
  if (i === integerEnd && i - start <= EXACT_DIGITS) return negative ? -value : value;
  return Number(b.toString('latin1', start, i));
}

/** A hash of `text`: the one `scanString` computes while reading. */
export function hashOf(text: string): number {
  let h = 0;
  for (let k = 0; k < text.length; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return h;
}

/**
 * Scans the JSON string whose text starts at `b[i]` (after its opening quote): true when it is
 * printable ASCII with no escape, so that its value is the bytes up to the closing quote, one
 * character each. Then `cursor.at` is after that quote and `cursor.hash` is `hashOf` the value.
 */
export function scanString(b: Uint8Array, i: number): boolean {
  let h = 0;
  for (let j = i; ; j++) {
    const c = byte(b, j);
    if (c === QUOTE) {
      cursor.at = j + 1;
      cursor.hash = h;
      return true;
    }
    if (!(c >= FIRST_PRINTABLE && c < FIRST_NON_ASCII) || c === BACKSLASH) return false;
    h = (Math.imul(h, 31) + c) | 0;
  }
}

/** Strings read lately, by hash; only short ones (ids, names), so that the cache stays small. */
const RECENT_SLOTS = 4096;
const RECENT_MAX_LENGTH = 64;
const recentStrings = new Array<string>(RECENT_SLOTS).fill('');


/**
 * The JSON string whose text starts at `b[i]` when it is plain (`scanString`); NOT_READ otherwise.
 * A short string read lately is given as the same string object as before, with no new string
 * made: log lines repeat their producer and task ids, and every map keyed by them downstream
 * then finds the hash the engine computed once, instead of hashing a new copy per line.
 */
export function readString(b: Buffer, i: number): string | typeof NOT_READ {
  if (!scanString(b, i)) return NOT_READ;
  const end = cursor.at - 1;
  if (end - i > RECENT_MAX_LENGTH) return b.toString('latin1', i, end);
  const slot = cursor.hash & (RECENT_SLOTS - 1);
  const recent = recentStrings[slot] as string;
  if (recent.length === end - i && matches(b, i, recent)) return recent;
  return (recentStrings[slot] = b.toString('latin1', i, end));
}

const LITERALS = [
  { text: 'null', value: null },
  { text: 'true', value: true },
  { text: 'false', value: false },
].map(({ text, value }) => ({ length: text.length, at: literal(text), value }));

/** The JSON string, number, `true`, `false` or `null` at `b[i]`; NOT_READ for anything else. Leaves `cursor.at` after it. */
export function readScalar(b: Buffer, i: number): unknown {
  const c = byte(b, i);
  if (c === QUOTE) return readString(b, i + 1);
  if (c === MINUS || isDigit(c)) return readNumber(b, i);
  for (const { length, at, value } of LITERALS) {
    if (at(b, i)) {
      cursor.at = i + length;
      return value;
    }
  }
  return NOT_READ;
}
