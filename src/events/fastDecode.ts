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
 * It has two ways in. The log tailer has a line's bytes: a line exactly as we write it is read
 * there, in place (`readLine`), with no `JSON.parse` and no string of the line — the two cost
 * more than everything else done to a line on its way to the metrics. A line that is a string
 * already, or in another valid form (other key order, whitespace, escapes, non-ASCII text), is
 * parsed, then recognised (`fastEvent`, `decodeLineFast`). Both read the payload with readers
 * built from the codecs (`payloadSpecs`).
 */
import * as E from 'fp-ts/Either';
import { isRecord, NonNegativeInt } from '../codecs/snakeCase';
import type { LifecycleEvent } from './codecs';
import { decodeEvent, decodeLine, MAX_LINE_BYTES, withOrigin, type DecodeOptions, type Rejection } from './decode';
import { cursor, hashOf, literal, NOT_READ, readScalar, readString, scanString, type Literal } from './jsonScan';
import { fastData, SPECS, type PayloadSpec } from './payloadSpecs';
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

/** Text that must come next in a line (`after`). */
interface Token {
  readonly at: Literal;
  readonly length: number;
}
const token = (text: string): Token => ({ at: literal(text), length: text.length });

const START = token('{"timestamp":"');
const TYPE = token('","type":"');
const DATA = token(',"data":{');
const FEATURE = token(',"feature":"');
const PRODUCER = token(',"producer":"');
const SEQ = token(',"seq":');

/** The index after `token` when `b` has it at `i`; -1 otherwise. */
const after = (token: Token, b: Uint8Array, i: number): number => (token.at(b, i) ? i + token.length : -1);

/**
 * The event of a line as we write it, read in place from its bytes `b[start, end)` (`b[end]` is
 * its newline, or past the buffer: every read stops there): exactly what
 * `fastEvent(JSON.parse(line))` returns, or undefined when unsure. It takes the envelope's keys
 * in our order — `timestamp`, `type`, `data`, then `feature`, `producer` and `seq` when present —
 * no whitespace, and strings of printable ASCII without escapes (`jsonScan`); the payload through
 * its type's `inLine` reader. For the log tailer, which has the bytes: no string is made of the line.
 */
export function readLine(b: Buffer, start: number, end: number): LifecycleEvent | undefined {
  if (end - start > MAX_LINE_BYTES) return undefined;
  let i = after(START, b, start);
  if (i < 0) return undefined;
  // The stamp, in place: 24 or 20 characters, then its closing quote (which TYPE starts with).
  const n = b[i + 24] === QUOTE ? 24 : 20;
  const ts = utcTimestampIn(b, i, n);
  i = after(TYPE, b, i + n);
  if (ts === undefined || i < 0 || !scanString(b, i)) return undefined;
  // The type by the hash of its name, then compared: no string of the name to hash.
  const type = TYPES_BY_HASH.get(cursor.hash);
  if (type == null || type.spec.inLine === null || !type.named(b, i)) return undefined;
  i = after(DATA, b, cursor.at);
  const data = i < 0 ? undefined : type.spec.inLine(b, i);
  if (data === undefined) return undefined;
  const event: Record<string, unknown> = { type: type.spec.type, ts, data };
  i = cursor.at;
  if (FEATURE.at(b, i)) {
    const feature = readString(b, i + FEATURE.length);
    if (feature === NOT_READ) return undefined;
    event.feature = feature;
    i = cursor.at;
  }
  if (PRODUCER.at(b, i)) {
    const producer = readString(b, i + PRODUCER.length);
    if (producer === NOT_READ) return undefined;
    event.producer = producer;
    i = cursor.at;
  }
  if (SEQ.at(b, i)) {
    const seq = readScalar(b, i + SEQ.length);
    if (!NonNegativeInt.is(seq)) return undefined;
    event.seq = seq;
    i = cursor.at;
  }
  if (i !== end - 1 || b[i] !== CLOSE_BRACE) return undefined;
  return outOfRange(event as unknown as LifecycleEvent) === null ? (event as unknown as LifecycleEvent) : undefined;
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
