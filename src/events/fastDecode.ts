/**
 * `decodeLine` with a fast path for the common case, for the streaming pipeline.
 *
 * The io-ts codecs are the definition of a valid event, but running them costs ~4 µs a line, seven
 * times a `JSON.parse` of it, which would make decoding the bottleneck of the whole JSONL → metrics
 * path. The fast path recognises only lines in the canonical form we write (canonical type, UTC
 * `Z` timestamp, a payload already in decoded form) and builds exactly what `decodeLine` returns
 * for them; anything else — every rejection, aliases, naive or offset timestamps, string worker ids
 * — goes through `decodeEvent` itself.
 *
 * The payload checks are not written by hand: they are read off the `EventData` codecs (which
 * fields, required or not, and each field codec's own `is`), so both paths agree on what a valid
 * payload is. A codec of a shape this reader does not know simply gets no fast path. A property
 * test checks on generated lines, valid and broken, that both paths give equal results.
 *
 * Two things keep the fast path cheap next to `JSON.parse` (measured by `npm run bench`): the
 * payload as we write it is read by a function compiled per event type (`canonicalReader`), and a
 * stamp's date, hour and minute are parsed once per minute of log (`fastUtcTimestamp`).
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { isRecord, NonNegativeInt, SnakeCasedType, toCamel, toSnake, WithDefaultsType } from '../codecs/snakeCase';
import { EventData, EVENT_TYPES, type EventType, type LifecycleEvent } from './codecs';
import { decodeLine, withOrigin, type DecodeOptions, type Rejection } from './decode';

interface Field {
  readonly required: boolean;
  readonly codec: t.Mixed;
}

/** A payload codec as fields by camelCase key; null when its shape is not a plain record of fields. */
interface PayloadSpec {
  /** The canonical type name: the module's own (internalized) string, so `switch`es compare pointers. */
  readonly type: EventType;
  readonly fields: ReadonlyMap<string, Field>;
  readonly required: number;
  /** Reads the payload when it has exactly the codec's fields, snake_case; null: no such reader. */
  readonly canonical: PayloadReader | null;
}

type PayloadReader = (data: unknown) => Record<string, unknown> | undefined;

function collectFields(codec: t.Mixed, into: Map<string, Field>): boolean {
  if (codec instanceof SnakeCasedType || codec instanceof WithDefaultsType) return false; // nested renaming: not flat
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    const required = codec instanceof t.InterfaceType;
    for (const [key, field] of Object.entries(codec.props as Record<string, t.Mixed>)) {
      if (into.has(key)) return false;
      into.set(key, { required, codec: field });
    }
    return true;
  }
  if (codec instanceof t.IntersectionType) return (codec.types as t.Mixed[]).every((member) => collectFields(member, into));
  return false;
}

function payloadSpec(type: EventType, codec: t.Mixed): PayloadSpec | null {
  if (!(codec instanceof SnakeCasedType)) return null;
  const fields = new Map<string, Field>();
  if (!collectFields(codec.inner as t.Mixed, fields)) return null;
  let required = 0;
  for (const f of fields.values()) if (f.required) required += 1;
  return { type, fields, required, canonical: canonicalReader(fields) };
}

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

/**
 * The payload reader of one event type, for the payload as we write it: the codec's fields in
 * snake_case and no other key (anything else returns undefined and goes through `fastData`). It
 * is generated code, so that each field is a plain property read and write the engine compiles to
 * a load: read generically, by computed key (`fastData`), the payload costs 0.1 µs more a line, a
 * fifth of the line's `JSON.parse`. The code is made only of the codec's field names (checked to
 * be identifiers) and checks each value with that field codec's own `is`, like `fastData`.
 */
function canonicalReader(fields: ReadonlyMap<string, Field>): PayloadReader | null {
  const entries = [...fields].map(([name, field], i) => ({ name, wire: toSnake(name), field, value: `v${i}`, is: `is${i}` }));
  if (!entries.every((e) => IDENTIFIER.test(e.name) && toCamel(e.wire) === e.name && !(e.wire in Object.prototype))) return null;
  const required = entries.filter((e) => e.field.required);
  const optional = entries.filter((e) => !e.field.required);
  const body = [
    `if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;`,
    `let keys = 0;`,
    `for (const _ in data) keys += 1;`,
    ...entries.map((e) => `const ${e.value} = data.${e.wire};`),
    ...required.map((e) => `if (${e.value} === undefined || !${e.is}(${e.value})) return undefined;`),
    `const out = { ${required.map((e) => `${e.name}: ${e.value}`).join(', ')} };`,
    `let present = ${required.length};`,
    ...optional.map((e) => `if (${e.value} !== undefined) { if (!${e.is}(${e.value})) return undefined; out.${e.name} = ${e.value}; present += 1; }`),
    `return keys === present ? out : undefined;`,
  ];
  let make: (...is: t.Is<unknown>[]) => PayloadReader;
  try {
    make = new Function(...entries.map((e) => e.is), `return (data) => {\n${body.join('\n')}\n};`) as typeof make;
  } catch {
    return null; // code generation disallowed (node --disallow-code-generation-from-strings): `fastData` reads every payload
  }
  return make(...entries.map((e) => e.field.codec.is.bind(e.field.codec)));
}

const SPECS: ReadonlyMap<string, PayloadSpec> = new Map(
  EVENT_TYPES.flatMap((type) => {
    const spec = payloadSpec(type, EventData[type] as t.Mixed);
    return spec === null ? [] : [[type, spec] as const];
  }),
);

const camelKeys = new Map<string, string>();
const camel = (key: string): string => {
  let c = camelKeys.get(key);
  if (c === undefined) {
    c = toCamel(key);
    if (camelKeys.size < 1024) camelKeys.set(key, c);
  }
  return c;
};

/**
 * The payload as `snakeCased` decodes it, when it is already in its decoded form: every key
 * camelCased, values untouched, each known field passing its codec's `is` (so `decode` would
 * return it unchanged; a value decoding would convert — a numeric-string worker id — fails `is`
 * and takes the slow path).
 */
function fastData(spec: PayloadSpec, data: unknown): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (data === undefined) return spec.required === 0 ? out : undefined;
  if (!isRecord(data)) return undefined;
  let required = 0;
  // A parsed JSON object has only own, defined properties.
  for (const key in data) {
    const name = camel(key);
    // Two spellings of one key, or a key that is not a plain property: the codec decides.
    if (name === '__proto__' || out[name] !== undefined) return undefined;
    const value = data[key];
    const field = spec.fields.get(name);
    if (field !== undefined) {
      if (!field.codec.is(value)) return undefined;
      if (field.required) required += 1;
    }
    out[name] = value;
  }
  return required === spec.required ? out : undefined;
}

const DIGIT_0 = 48;
/** A non-digit makes any field it is part of negative, hence out of range. */
const NOT_A_DIGIT = -1e5;
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - DIGIT_0;
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

/** Epoch ms of the minute `YYYY-MM-DDTHH:MM` at the start of `s`, or undefined when out of range. */
function minuteMs(s: string): number | undefined {
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000;
}

/** Length of `YYYY-MM-DDTHH:MM:`, the part of a stamp that consecutive lines of a log share. */
const MINUTE_PREFIX = 17;
/** The last minute parsed, and its epoch ms (a memo: the result never depends on it). */
let lastMinute = '';
let lastMinuteMs = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z` → epoch ms exactly as `parseTimestamp` computes it, or undefined
 * for any other form (which then goes through `parseTimestamp`): a year before 100 (which
 * `Date.UTC` reads as 19xx), a day the month does not have, anything out of range.
 */
export function fastUtcTimestamp(s: string): number | undefined {
  const n = s.length;
  if ((n !== 24 && n !== 20) || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  if (lastMinute === '' || !s.startsWith(lastMinute)) {
    const ms = minuteMs(s);
    if (ms === undefined) return undefined;
    lastMinute = s.slice(0, MINUTE_PREFIX);
    lastMinuteMs = ms;
  }
  const second = digit(s, 17) * 10 + digit(s, 18);
  if (second < 0 || second > 60) return undefined;
  const wholeSeconds = lastMinuteMs + second * 1000;
  if (n === 20) return wholeSeconds;
  const frac = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  if (s.charCodeAt(19) !== 46 /* . */ || frac < 0) return undefined;
  return wholeSeconds + (MS_OF_FRACTION[frac] as number);
}

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
  return withOrigin<Record<string, unknown>>({ type: spec.type, ts, data: decoded }, u) as unknown as LifecycleEvent;
}

/** Same result as `decodeLine(line, options)`, several times faster on canonical lines. */
export const decodeLineFast = (line: string, options: DecodeOptions = {}): E.Either<Rejection, LifecycleEvent> => decodeLine(line, options, fastEvent);

/** Event types whose payload has a fast path (for tests: every canonical type should). */
export const FAST_TYPES: readonly string[] = [...SPECS.keys()];
