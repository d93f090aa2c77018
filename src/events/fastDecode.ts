/**
 * `decodeLine` with a fast path for the common case, for the streaming pipeline.
 *
 * The io-ts codecs are the definition of a valid event, but running them costs ~4 µs a line, seven
 * times a `JSON.parse` of it, which would make decoding the bottleneck of the whole JSONL → metrics
 * path. The fast path recognises only lines in the canonical form we write (canonical type, UTC
 * `Z` timestamp, a payload already in decoded form) and builds exactly what `decodeLine` returns
 * for them; anything else — every rejection, aliases, naive or offset timestamps, string worker ids
 * — goes through `decodeEvent` itself. Property tests check on generated lines, valid, broken and
 * cut about character by character, that both paths give equal results.
 *
 * It has two ways in. The log tailer has a line's bytes: a line as we or upstream write it is read
 * there, in place (`readLine`), with no `JSON.parse` and no string of the line — the two cost
 * more than everything else done to a line on its way to the metrics. A line that is a string
 * already, or in another valid form (escapes, non-ASCII text, lists), is parsed, then recognised
 * (`fastEvent`, `decodeLineFast`). Both read the payload with readers
 * built from the codecs (`payloadSpecs`).
 */
import * as E from 'fp-ts/Either';
import { isRecord, NonNegativeInt } from '../codecs/snakeCase';
import type { LifecycleEvent } from './codecs';
import { decodeEvent, decodeLine, MAX_LINE_BYTES, withOrigin, type DecodeOptions, type Rejection } from './decode';
import { cursor, hashOf, literal, NOT_READ, readScalar, readString, scanString, skipSpace, valueAfter, type Literal } from './jsonScan';
import { fastData, SPECS, type LinePayloadReader, type PayloadSpec } from './payloadSpecs';
import { outOfRange } from './range';
import { fastUtcTimestamp, utcTimestampIn } from './utcTimestamp';

/** The fast path: the event `decodeEvent` would return, or undefined when unsure. */
function fastEvent(u: unknown): LifecycleEvent | undefined {
  if (!isRecord(u)) return undefined;
  const { timestamp, type, feature, producer, seq, data } = u;
  // The envelope (`EventEnvelope`): stamp and type strings; feature, producer strings; seq a non-negative integer.
  if (typeof timestamp !== 'string' || typeof type !== 'string') return undefined;
  if ((feature !== undefined && typeof feature !== 'string') || (producer !== undefined && typeof producer !== 'string')) return undefined;
  if (seq !== undefined && !NonNegativeInt.is(seq)) return undefined;
  const spec = SPECS.get(type);
  if (spec === undefined) return undefined;
  const ts = fastUtcTimestamp(timestamp);
  if (ts === undefined) return undefined;
  const decoded = spec.canonical?.(data) ?? fastData(spec, data);
  if (decoded === undefined) return undefined;
  const event = withOrigin<Record<string, unknown>>({ type: spec.type, ts, data: decoded }, u) as unknown as LifecycleEvent;
  // Out of range: `decodeEvent` rejects it, with its reason.
  return outOfRange(event) === null ? event : undefined;
}

const QUOTE = 34;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Event types by `hashOf` their name, each with a test for its name and closing quote; null for
 * a hash two names share (lines of those types are parsed).
 */
const TYPES_BY_HASH = new Map<number, { spec: PayloadSpec; named: Literal } | null>();
for (const spec of SPECS.values()) {
  const h = hashOf(spec.type);
  TYPES_BY_HASH.set(h, TYPES_BY_HASH.has(h) ? null : { spec, named: literal(`${spec.type}"`) });
}

/** The envelope's keys, each with its closing quote: the key read is told by its first letter, then compared. */
const KEY = {
  timestamp: literal('timestamp"'),
  type: literal('type"'),
  data: literal('data"'),
  feature: literal('feature"'),
  producer: literal('producer"'),
  seq: literal('seq"'),
};

/**
 * The event of a line, read in place from its bytes `b[start, end)` (`b[end]` is its newline, or
 * past the buffer: every read stops there): exactly what `fastEvent(JSON.parse(line))` returns, or
 * undefined when unsure. It takes the envelope's keys — `timestamp`, `type`, `data`, and
 * `feature`, `producer`, `seq` when present — in any order, each once and no other, JSON
 * whitespace between tokens (upstream's Python writes `", "` and `": "`), stamps as
 * `utcTimestampIn` reads them, and strings of printable ASCII without escapes (`jsonScan`); the
 * payload through its type's `inLine` reader. For the log tailer, which has the bytes: no string
 * is made of the line.
 */
export function readLine(b: Buffer, start: number, end: number): LifecycleEvent | undefined {
  if (end - start > MAX_LINE_BYTES) return undefined;
  let i = skipSpace(b, start);
  if (b[i] !== OPEN_BRACE) return undefined;
  let ts: number | undefined;
  let spec: PayloadSpec | undefined;
  let data: Record<string, unknown> | undefined;
  /** Where the payload starts when it comes before the type (it is read once the type is known). */
  let dataAt = -1;
  let feature: string | undefined;
  let producer: string | undefined;
  let seq: number | undefined;
  for (;;) {
    i = skipSpace(b, i + 1);
    if (b[i] !== QUOTE) return undefined;
    const k = i + 1;
    const first = b[k];
    let valueAt: number;
    // Each key once: a second one is left to `JSON.parse` (which keeps the last).
    if (first === 116 /* t */ && KEY.timestamp(b, k) && ts === undefined) {
      valueAt = valueAfter(b, k + 10);
      if (b[valueAt] !== QUOTE || !scanString(b, valueAt + 1)) return undefined;
      ts = utcTimestampIn(b, valueAt + 1, cursor.at - valueAt - 2);
      if (ts === undefined) return undefined;
    } else if (first === 116 && KEY.type(b, k) && spec === undefined) {
      valueAt = valueAfter(b, k + 5);
      if (b[valueAt] !== QUOTE || !scanString(b, valueAt + 1)) return undefined;
      // The type by the hash of its name, then compared: no string of the name to hash.
      const type = TYPES_BY_HASH.get(cursor.hash);
      if (type == null || type.spec.inLine === null || !type.named(b, valueAt + 1)) return undefined;
      spec = type.spec;
    } else if (first === 100 /* d */ && KEY.data(b, k) && data === undefined && dataAt < 0) {
      valueAt = valueAfter(b, k + 5);
      if (b[valueAt] !== OPEN_BRACE) return undefined;
      if (spec !== undefined) {
        data = (spec.inLine as LinePayloadReader)(b, valueAt + 1);
        if (data === undefined) return undefined;
      } else {
        dataAt = valueAt + 1;
        if (!skipFlatObject(b, dataAt)) return undefined;
      }
    } else if (first === 102 /* f */ && KEY.feature(b, k) && feature === undefined) {
      valueAt = valueAfter(b, k + 8);
      const value = b[valueAt] === QUOTE ? readString(b, valueAt + 1) : NOT_READ;
      if (value === NOT_READ) return undefined;
      feature = value;
    } else if (first === 112 /* p */ && KEY.producer(b, k) && producer === undefined) {
      valueAt = valueAfter(b, k + 9);
      const value = b[valueAt] === QUOTE ? readString(b, valueAt + 1) : NOT_READ;
      if (value === NOT_READ) return undefined;
      producer = value;
    } else if (first === 115 /* s */ && KEY.seq(b, k) && seq === undefined) {
      valueAt = valueAfter(b, k + 4);
      const value = readScalar(b, valueAt);
      if (!NonNegativeInt.is(value)) return undefined;
      seq = value;
    } else return undefined;
    i = skipSpace(b, cursor.at);
    if (b[i] === CLOSE_BRACE) break;
    if (b[i] !== COMMA) return undefined;
  }
  if (skipSpace(b, i + 1) !== end || ts === undefined || spec === undefined) return undefined;
  if (dataAt >= 0) data = (spec.inLine as LinePayloadReader)(b, dataAt);
  if (data === undefined) return undefined;
  const event: Record<string, unknown> = { type: spec.type, ts, data };
  if (feature !== undefined) event.feature = feature;
  if (producer !== undefined) event.producer = producer;
  if (seq !== undefined) event.seq = seq;
  return outOfRange(event as unknown as LifecycleEvent) === null ? (event as unknown as LifecycleEvent) : undefined;
}

/**
 * Skips a payload of plain keys and scalars, `b[i]` just after its brace (payloads are read in
 * place only when flat): true with `cursor.at` after its closing brace; false for anything else.
 */
function skipFlatObject(b: Buffer, i: number): boolean {
  i = skipSpace(b, i);
  if (b[i] === CLOSE_BRACE) {
    cursor.at = i + 1;
    return true;
  }
  for (;;) {
    if (b[i] !== QUOTE || !scanString(b, i + 1)) return false;
    i = valueAfter(b, cursor.at);
    if (i < 0 || readScalar(b, i) === NOT_READ) return false;
    i = skipSpace(b, cursor.at);
    if (b[i] === CLOSE_BRACE) {
      cursor.at = i + 1;
      return true;
    }
    if (b[i] !== COMMA) return false;
    i = skipSpace(b, i + 1);
  }
}

/**
 * Same result as `decodeLine(line, options)`, several times faster on lines in our form: for a
 * line already a string (the log tailer reads lines as we write them in place, `readLine`).
 */
export const decodeLineFast = (line: string, options: DecodeOptions = {}): E.Either<Rejection, LifecycleEvent> => decodeLine(line, options, fastEvent);

/** Same result as `decodeEvent(u, options)`, faster on events in our form (a parsed envelope, a broker entry). */
export const decodeEventFast = (u: unknown, options: DecodeOptions = {}): E.Either<Rejection, LifecycleEvent> => {
  const event = fastEvent(u);
  return event !== undefined ? E.right(event) : decodeEvent(u, options);
};

/** Event types whose payload has a fast path (for tests: every canonical type should). */
export const FAST_TYPES: readonly string[] = [...SPECS.keys()];
