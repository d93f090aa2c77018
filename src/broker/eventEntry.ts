/**
 * A lifecycle event as a stream entry: the fields are the JSONL envelope (DESIGN §9), `data` as
 * JSON, so producer and seq travel with it and readers dedupe exactly as they do the log.
 * Reading an entry is decoding input: a malformed one is a rejection with a reason, never a throw.
 */
import * as E from 'fp-ts/Either';
import type { LifecycleEvent } from '../events/codecs';
import { encodeEvent, type DecodeOptions, type Rejection } from '../events/decode';
import { decodeEventFast } from '../events/fastDecode';
import { printableLine } from '../events/printable';

/** Field/value pairs, flat, as XADD takes them. */
export function eventFields(event: LifecycleEvent): string[] {
  const wire = encodeEvent(event);
  const fields = ['timestamp', wire.timestamp, 'type', wire.type];
  if (wire.feature !== undefined) fields.push('feature', wire.feature);
  if (wire.producer !== undefined) fields.push('producer', wire.producer);
  if (wire.seq !== undefined) fields.push('seq', String(wire.seq));
  fields.push('data', JSON.stringify(wire.data));
  return fields;
}

/** Flat field/value pairs as read back → the envelope object they stand for. */
function envelopeOf(fields: readonly string[]): E.Either<Rejection, Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = fields[i + 1] as string;
    if (name === 'seq') out.seq = /^\d+$/.test(value) ? Number(value) : value;
    else if (name === 'data') {
      try {
        out.data = JSON.parse(value);
      } catch (err) {
        return E.left({ reason: 'invalid_json', detail: `data: ${printableLine((err as Error).message)}`, input: fields });
      }
    } else if (name === 'timestamp' || name === 'type' || name === 'feature' || name === 'producer') out[name] = value;
    // Other fields (a newer writer's) are kept out of the way.
  }
  return E.right(out);
}

export function decodeEntry(fields: readonly string[], options: DecodeOptions = {}): E.Either<Rejection, LifecycleEvent> {
  return E.chain((envelope: Record<string, unknown>) => decodeEventFast(envelope, options))(envelopeOf(fields));
}

/** The entry as one line of text, for the rejected-lines quarantine and messages. */
export const entryText = (fields: readonly string[]): string => JSON.stringify(Object.fromEntries(pairs(fields)));

function pairs(fields: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([fields[i] as string, fields[i + 1] as string]);
  return out;
}
