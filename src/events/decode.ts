/**
 * Decoding at the edge: unknown input → `Either<Rejection, LifecycleEvent>`. Never throws.
 * A rejection carries a reason from a closed set (the `invalid_lines{reason}` counters of
 * DESIGN §8) and the input, so that it can be quarantined without losing it.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { describeErrors, isRecord } from '../codecs/snakeCase';
import { EVENT_ALIASES, EventData, EventEnvelope, EventType, LifecycleEvent, WireEvent } from './codecs';
import { printableLine } from './printable';
import { outOfRange } from './range';
import { formatTimestamp, parseTimestamp, TimestampOptions } from './timestamp';

export const REJECTION_REASONS = [
  'invalid_json',
  'not_an_object',
  'bad_envelope',
  'bad_timestamp',
  'bad_data',
  'unknown_type',
  'line_too_long',
  'out_of_range',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  readonly reason: RejectionReason;
  /** What went wrong, for a person. */
  readonly detail: string;
  /** The input as received (a line, or a decoded value). */
  readonly input: unknown;
}

export type DecodeOptions = TimestampOptions;

const reject = (reason: RejectionReason, detail: string, input: unknown): E.Either<Rejection, never> =>
  E.left({ reason, detail, input });

/** Canonical type of a type name, or undefined when unknown. */
export function canonicalType(name: string): EventType | undefined {
  if (Object.prototype.hasOwnProperty.call(EventData, name)) return name as EventType;
  // Own keys only: `toString`, `constructor`, `__proto__` are not event types.
  return Object.prototype.hasOwnProperty.call(EVENT_ALIASES, name) ? EVENT_ALIASES[name] : undefined;
}

/**
 * Upstream worker logs write `{ts, worker_id, task_id, event, duration_ms, ...}`: the same event,
 * flattened. Lift that form into the envelope so both decode through one path.
 */
function liftWorkerLog(u: Record<string, unknown>): Record<string, unknown> {
  if (u.type !== undefined || typeof u.event !== 'string' || u.ts === undefined) return u;
  const { ts, event, feature, producer, seq, level: _logLevel, message: _message, ...data } = u;
  return withOrigin<Record<string, unknown>>({ timestamp: ts, type: event, data }, { feature, producer, seq });
}

interface Origin {
  feature?: unknown;
  producer?: unknown;
  seq?: unknown;
}

/** `to` with the `feature`, `producer` and `seq` that `from` has (an absent one stays absent, not undefined). */
export function withOrigin<T extends Origin>(to: T, from: Origin): T {
  if (from.feature !== undefined) to.feature = from.feature;
  if (from.producer !== undefined) to.producer = from.producer;
  if (from.seq !== undefined) to.seq = from.seq;
  return to;
}

export function decodeEvent(input: unknown, options: DecodeOptions = {}): E.Either<Rejection, LifecycleEvent> {
  if (!isRecord(input)) return reject('not_an_object', 'an event must be a JSON object', input);
  const envelope = EventEnvelope.decode(liftWorkerLog(input));
  if (E.isLeft(envelope)) return reject('bad_envelope', describeErrors(envelope.left), input);
  const env = envelope.right;
  const type = canonicalType(env.type);
  if (type === undefined) return reject('unknown_type', `unknown event type ${JSON.stringify(env.type)}`, input);
  const ts = parseTimestamp(env.timestamp, options);
  if (E.isLeft(ts)) return reject('bad_timestamp', ts.left, input);
  const codec: t.Mixed = EventData[type];
  const data = codec.decode(env.data ?? {});
  if (E.isLeft(data)) return reject('bad_data', `${type}: ${describeErrors(data.left)}`, input);
  const event = withOrigin<Record<string, unknown>>({ type, ts: ts.right, data: data.right }, env) as unknown as LifecycleEvent;
  const range = outOfRange(event);
  return range === null ? E.right(event) : reject('out_of_range', `${type}: ${range}`, input);
}

/** Longest line we try to parse; anything longer is a broken writer, not an event. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Decodes one JSONL line. `fast` may recognise the parsed JSON first (`decodeLineFast`): when it
 * returns an event, that is the result; when it returns undefined, `decodeEvent` decides.
 */
export function decodeLine(line: string, options: DecodeOptions = {}, fast?: (parsed: unknown) => LifecycleEvent | undefined): E.Either<Rejection, LifecycleEvent> {
  if (line.length > MAX_LINE_BYTES) return reject('line_too_long', `line of ${line.length} characters`, line.slice(0, 200));
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return reject('invalid_json', printableLine((err as Error).message), line);
  }
  const event = fast?.(parsed);
  if (event !== undefined) return E.right(event);
  return E.mapLeft((r: Rejection) => ({ ...r, input: line }))(decodeEvent(parsed, options));
}

/** The wire form of an event (snake_case payload, UTC `Z` timestamp). */
export function encodeEvent(event: LifecycleEvent): WireEvent {
  const codec: t.Mixed = EventData[event.type];
  return withOrigin<WireEvent>({ timestamp: formatTimestamp(event.ts), type: event.type, data: codec.encode(event.data) as Record<string, unknown> }, event);
}

/** One JSONL line (with its newline) for an event. */
export const eventLine = (event: LifecycleEvent): string => `${JSON.stringify(encodeEvent(event))}\n`;
