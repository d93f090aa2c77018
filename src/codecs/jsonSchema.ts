/**
 * io-ts codec → JSON Schema (draft-07), so that the published schemas are derived from the codecs
 * that actually decode the files and cannot say something else (STYLE habit 3).
 *
 * It walks the codec tree by `_tag`. Objects allow additional properties, because our decoders
 * tolerate (and keep) unknown keys. `snakeCased` codecs give snake_case property names; keys with a
 * `withDefaults` default are not required. A codec this walker does not know is a programmer error
 * (throws), unless `named` gives its schema.
 */
import * as t from 'io-ts';
import { SnakeCasedType, toSnake, WithDefaultsType } from './snakeCase';

/** A JSON Schema (draft-07) node. Kept as plain JSON so it can be written out as is. */
export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaOptions {
  /** Schemas of codecs known by name (custom `t.Type`s with no `_tag`, or overrides). */
  readonly named?: Readonly<Record<string, JsonSchema>>;
  /** Codecs to emit as `$ref`s (by identity) instead of inline, e.g. to `#/definitions/task`. */
  readonly refs?: ReadonlyMap<t.Mixed, string>;
}

/** Refinements we know the meaning of, by codec name. Others fall back to their base type's schema. */
const REFINEMENTS: Readonly<Record<string, JsonSchema>> = {
  Int: { type: 'integer' },
  NonNegativeInt: { type: 'integer', minimum: 0 },
};

/** What the walker needs to see of a codec: io-ts classes carry a `_tag`, ours too. */
type Tagged = t.Mixed & { readonly _tag?: string };

const isObjectSchema = (s: JsonSchema): boolean =>
  s.type === 'object' && Object.keys(s).every((k) => ['type', 'properties', 'required', 'additionalProperties', 'description'].includes(k));

/** Properties and required keys of several object schemas, as one object schema. */
function mergeObjects(schemas: readonly JsonSchema[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const s of schemas) {
    Object.assign(properties, (s.properties as Record<string, JsonSchema> | undefined) ?? {});
    for (const r of (s.required as string[] | undefined) ?? []) if (!required.includes(r)) required.push(r);
  }
  return objectSchema(properties, required);
}

function objectSchema(properties: Record<string, JsonSchema>, required: readonly string[]): JsonSchema {
  const s: JsonSchema = { type: 'object', properties };
  if (required.length > 0) s.required = [...required];
  return s;
}

/**
 * `X | null` reads better as `type: [X, "null"]` when X is a plain typed schema. Unions of several
 * non-null types stay `anyOf` (validators in strict mode reject `type: ["number", "string"]`).
 */
function unionSchema(nested: readonly JsonSchema[]): JsonSchema {
  // (A | B) | null is A | B | null.
  const members = nested.flatMap((m) => (Object.keys(m).length === 1 && Array.isArray(m.anyOf) ? (m.anyOf as JsonSchema[]) : [m]));
  const nulls = members.filter((m) => m.type === 'null' && Object.keys(m).length === 1);
  const others = members.filter((m) => !nulls.includes(m));
  if (others.length === 0) return { type: 'null' };
  const only = others[0];
  if (others.length === 1 && only && typeof only.type === 'string' && only.enum === undefined && only.const === undefined) {
    return nulls.length > 0 ? { ...only, type: [only.type, 'null'] } : only;
  }
  return { anyOf: nulls.length > 0 ? [...others, { type: 'null' }] : [...others] };
}

/** Renames the properties (and required keys) of an object schema; other schemas pass through. */
function renameProperties(schema: JsonSchema, rename: (k: string) => string): JsonSchema {
  if (schema.properties !== undefined) {
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema.properties as Record<string, unknown>)) properties[rename(k)] = v;
    const out: JsonSchema = { ...schema, properties };
    if (Array.isArray(schema.required)) out.required = (schema.required as string[]).map(rename);
    return out;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) return { ...schema, [key]: (schema[key] as JsonSchema[]).map((s) => renameProperties(s, rename)) };
  }
  return schema;
}

/** Drops `keys` from `required` and documents their defaults, down through allOf members. */
function applyDefaults(schema: JsonSchema, defaults: Record<string, unknown>): JsonSchema {
  const keys = Object.keys(defaults).filter((k) => defaults[k] !== undefined);
  if (schema.properties !== undefined) {
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      properties[k] = keys.includes(k) ? { ...v, default: defaults[k] } : v;
    }
    const out: JsonSchema = { ...schema, properties };
    const required = ((schema.required as string[] | undefined) ?? []).filter((r) => !keys.includes(r));
    if (required.length > 0) out.required = required;
    else delete out.required;
    return out;
  }
  if (Array.isArray(schema.allOf)) return { ...schema, allOf: (schema.allOf as JsonSchema[]).map((s) => applyDefaults(s, defaults)) };
  return schema;
}

/** The JSON Schema of what `codec.decode` accepts (its input / output form, not the camelCase type). */
export function toJsonSchema(codec: t.Mixed, options: SchemaOptions = {}): JsonSchema {
  const ref = options.refs?.get(codec);
  if (ref !== undefined) return { $ref: ref };
  const named = options.named?.[codec.name];
  if (named !== undefined) return named;
  const c = codec as Tagged;
  const walk = (inner: t.Mixed): JsonSchema => toJsonSchema(inner, options);

  if (c instanceof SnakeCasedType) return renameProperties(walk(c.inner as t.Mixed), toSnake);
  if (c instanceof WithDefaultsType) return applyDefaults(walk(c.inner as t.Mixed), c.defaults as Record<string, unknown>);

  switch (c._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
      return {};
    case 'UnknownRecordType':
    case 'AnyDictionaryType':
      return { type: 'object' };
    case 'UnknownArrayType':
      return { type: 'array' };
    case 'LiteralType':
      return { const: (c as unknown as t.LiteralType<string | number | boolean>).value };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys((c as unknown as t.KeyofType<Record<string, unknown>>).keys) };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: walk((c as unknown as t.ArrayType<t.Mixed>).type) };
    case 'TupleType': {
      // draft-07 tuples: `items` as a list, nothing beyond it (strict ajv wants `minItems` too).
      const items = (c as unknown as t.TupleType<t.Mixed[]>).types.map(walk);
      return { type: 'array', items, minItems: items.length, additionalItems: false };
    }
    case 'InterfaceType': {
      const props = (c as unknown as t.InterfaceType<t.Props>).props;
      const properties: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(props)) properties[k] = walk(v);
      return objectSchema(properties, Object.keys(props));
    }
    case 'PartialType': {
      const props = (c as unknown as t.PartialType<t.Props>).props;
      const properties: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(props)) properties[k] = walk(v);
      return objectSchema(properties, []);
    }
    case 'IntersectionType': {
      const members = (c as unknown as t.IntersectionType<t.Mixed[]>).types.map(walk);
      return members.every(isObjectSchema) ? mergeObjects(members) : { allOf: members };
    }
    case 'UnionType':
      return unionSchema((c as unknown as t.UnionType<t.Mixed[]>).types.map(walk));
    case 'DictionaryType': {
      const dict = c as unknown as t.DictionaryType<t.Mixed, t.Mixed>;
      const s: JsonSchema = { type: 'object', additionalProperties: walk(dict.codomain) };
      const domain = dict.domain as Tagged;
      if (domain._tag === 'KeyofType' || domain._tag === 'RefinementType') s.propertyNames = walk(domain);
      return s;
    }
    case 'RefinementType': {
      const known = REFINEMENTS[c.name];
      return known ?? walk((c as unknown as t.RefinementType<t.Mixed>).type);
    }
    case 'ExactType':
    case 'ReadonlyType':
      return walk((c as unknown as t.ExactType<t.Mixed>).type);
    default:
      throw new Error(`toJsonSchema: no schema for codec ${JSON.stringify(c.name)} (tag ${String(c._tag)}); pass it in options.named`);
  }
}
