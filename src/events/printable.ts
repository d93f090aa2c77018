/**
 * Text that comes from outside — a task id, a feature name, an error, a file name, a command's
 * output — made safe to print in a terminal (DESIGN §8, Security). Every control character (C0
 * but tab and line feed, DEL, C1) and every bidirectional override or isolate is shown escaped
 * (`\x1b`, `\x9b`, `\u202e`), never emitted: an escape sequence arrives as visible text, so no
 * input can retitle the terminal, write its clipboard, move its cursor or reorder what it shows.
 * Views call it at the boundary, on each input string, before their own styling is added.
 */

/**
 * C0 but `\t` and `\n`, DEL, C1; `\r` unless it ends a line (`\r\n`); the bidi marks, embeddings,
 * overrides and isolates (U+061C, U+200E–F, U+202A–E, U+2066–9); the line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\r(?!\n)/g;

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

const escaped = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
};

export const printable = (text: string): string => text.replace(UNPRINTABLE, escaped);

/** `printable`, on one line: line breaks and tabs become spaces. */
export const printableLine = (text: string): string => printable(text).replace(/[\r\n\t]+/g, ' ');

/** True when `text` prints as it is (nothing in it would be escaped). */
export const isPrintable = (text: string): boolean => !new RegExp(UNPRINTABLE.source).test(text);

// eslint-disable-next-line no-control-regex
const JSON_UNPRINTABLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from `JSON.stringify`, which escapes C0 only) with DEL, C1 and the bidi characters
 * `\u`-escaped too: the same value, and nothing in it a terminal would act on.
 */
export const printableJson = (json: string): string => json.replace(JSON_UNPRINTABLE, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
