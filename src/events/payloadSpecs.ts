/**
 * The payload of each event type as fields read off its `EventData` codec (which fields, required
 * or not, each field codec's own `is`), and the payload readers of the fast path built from them:
 * the checks are not written by hand, so the fast path and the codecs agree on what a valid
 * payload is. A codec of a shape this does not know simply gets no reader.
 */
import * as t from 'io-ts';
import { isRecord, SnakeCasedType, toCamel, toSnake, WithDefaultsType } from '../codecs/snakeCase';
import { EventData, EVENT_TYPES, type EventType } from './codecs';
import { cursor, literalCode, NOT_READ, readScalar, skipSpace, valueAfter } from './jsonScan';

interface Field {
  readonly required: boolean;
  readonly codec: t.Mixed;
}

/** A payload codec as fields by camelCase key (`payloadSpec`: none when its shape is not a plain record of fields). */
export interface PayloadSpec {
  /** The canonical type name: the module's own (internalized) string, so `switch`es compare pointers. */
  readonly type: EventType;
  readonly fields: ReadonlyMap<string, Field>;
  readonly required: number;
  /** Reads the payload when it has exactly the codec's fields, snake_case; null: no such reader. */
  readonly canonical: PayloadReader | null;
  /** Reads the payload in place in the line's bytes (`readLine`); null: no such reader. */
  readonly inLine: LinePayloadReader | null;
}

type PayloadReader = (data: unknown) => Record<string, unknown> | undefined;
export type LinePayloadReader = (b: Buffer, i: number) => Record<string, unknown> | undefined;

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
  return { type, fields, required, canonical: canonicalReader(fields), inLine: lineReader(fields) };
}

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

interface Entry {
  readonly name: string;
  readonly wire: string;
  readonly field: Field;
  /** Names in the generated code: the field's value, and its codec (passed in; `is` is called as its method). */
  readonly value: string;
  readonly codec: string;
}

/**
 * A function generated from the payload's fields, made of `body` (which reads them into the
 * `value`s) and the same ending for every reader: check each value with its field codec's own
 * `is` and build the camelCase payload. Generated code, so that each field is a plain property
 * write the engine compiles to a store: built generically, by computed key (`fastData`), the
 * payload costs 0.1 µs more a line, a fifth of the line's `JSON.parse`. The code is made only of
 * the codec's field names (checked to be identifiers) and of `body`. Null when a name is not an
 * identifier, or where code generation is disallowed (`node --disallow-code-generation-from-strings`):
 * then `fastData` reads every payload.
 */
function generated<F>(fields: ReadonlyMap<string, Field>, params: string, body: (entries: readonly Entry[]) => string[], helpers: Record<string, unknown> = {}): F | null {
  const entries = [...fields].map(([name, field], i) => ({ name, wire: toSnake(name), field, value: `v${i}`, codec: `c${i}` }));
  if (!entries.every((e) => IDENTIFIER.test(e.name) && toCamel(e.wire) === e.name && !(e.wire in Object.prototype))) return null;
  const required = entries.filter((e) => e.field.required);
  const optional = entries.filter((e) => !e.field.required);
  const code = [
    ...body(entries),
    ...required.map((e) => `if (${e.value} === undefined || !${e.codec}.is(${e.value})) return undefined;`),
    `const out = { ${required.map((e) => `${e.name}: ${e.value}`).join(', ')} };`,
    ...optional.map((e) => `if (${e.value} !== undefined) { if (!${e.codec}.is(${e.value})) return undefined; out.${e.name} = ${e.value}; }`),
    `return out;`,
  ];
  const names = [...entries.map((e) => e.codec), ...Object.keys(helpers)];
  try {
    const make = new Function(...names, `return (${params}) => {\n${code.join('\n')}\n};`) as (...args: unknown[]) => F;
    return make(...entries.map((e) => e.field.codec), ...Object.values(helpers));
  } catch {
    return null;
  }
}

/**
 * The payload reader of one event type, for the parsed payload as we write it: the codec's
 * fields in snake_case and no other key (anything else returns undefined and goes through `fastData`).
 */
const canonicalReader = (fields: ReadonlyMap<string, Field>): PayloadReader | null =>
  generated<PayloadReader>(fields, 'data', (entries) => [
    `if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;`,
    `let keys = 0;`,
    `for (const _ in data) keys += 1;`,
    ...entries.map((e) => `const ${e.value} = data.${e.wire};`),
    `if (keys !== ${entries.map((e) => `(${e.value} === undefined ? 0 : 1)`).join(' + ') || '0'}) return undefined;`,
  ]);

/**
 * The same reader for the payload still in the line's bytes: `b[i]` is just after its opening
 * brace. It reads the codec's fields in any order, each optional one present or not, with JSON
 * whitespace between tokens, leaves `cursor.at` after the closing brace, and declines (undefined)
 * anything else: a key twice or unknown, an array, an escape — `JSON.parse` reads those.
 */
const lineReader = (fields: ReadonlyMap<string, Field>): LinePayloadReader | null =>
  generated<LinePayloadReader>(
    fields,
    'b, i',
    (entries) => [
      `let ${entries.map((e) => e.value).join(', ') || '_'};`,
      `i = skipSpace(b, i);`,
      // Whether another field follows (i is then on its key); else i is on the closing brace.
      `let more = b[i] !== 125;`,
      `while (more) {`,
      ...entries.flatMap((e, k) => [
        `  ${k === 0 ? '' : 'else '}if (${e.value} === undefined && ${literalCode(`"${e.wire}"`, 'i')}) {`,
        `    ${e.value} = readScalar(b, valueAfter(b, i + ${e.wire.length + 2}));`,
        `    if (${e.value} === NOT_READ) return undefined;`,
        `  }`,
      ]),
      `  ${entries.length === 0 ? '' : 'else '}return undefined;`,
      `  i = skipSpace(b, cursor.at);`,
      `  const c = b[i];`,
      `  if (c === 44) i = skipSpace(b, i + 1);`,
      `  else if (c === 125) more = false;`,
      `  else return undefined;`,
      `}`,
      `cursor.at = i + 1;`,
    ],
    { readScalar, NOT_READ, cursor, skipSpace, valueAfter },
  );

/** The payload of each canonical event type that has one, by type name. */
export const SPECS: ReadonlyMap<string, PayloadSpec> = new Map(
  EVENT_TYPES.flatMap((type) => {
    const spec = payloadSpec(type, EventData[type] as t.Mixed);
    return spec === null ? [] : [[type, spec] as const];
  }),
);

/**
 * The payload as `snakeCased` decodes it, when it is already in its decoded form: every key
 * camelCased, values untouched, each known field passing its codec's `is` (so `decode` would
 * return it unchanged; a value decoding would convert — a numeric-string worker id — fails `is`
 * and takes the slow path).
 */
export function fastData(spec: PayloadSpec, data: unknown): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (data === undefined) return spec.required === 0 ? out : undefined;
  if (!isRecord(data)) return undefined;
  let required = 0;
  // A parsed JSON object has only own, defined properties.
  for (const key in data) {
    const name = toCamel(key);
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
