/**
 * Codec combinators shared by the event, state and metrics codecs.
 *
 * In code we use camelCase; on disk and in JSON output, snake_case (upstream's format). Rather
 * than writing a to_dict/from_dict pair per type, `snakeCased` wraps a camelCase codec so that it
 * decodes snake_case input and encodes back to snake_case. `withDefaults` fills missing keys
 * before validation, which is the seed's `from_dict({"worker_id": 2})` behaviour.
 */
import * as t from 'io-ts';

type CamelToSnake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${CamelToSnake<T>}`
  : S;

export type Snaked<O> = { [K in keyof O as K extends string ? CamelToSnake<K> : K]: O[K] };

/**
 * Keys renamed lately, each way: every task of a `--json` document has the same fifteen keys, and
 * a regular expression per key of each would cost more than the rest of its encoding. Bounded:
 * keys read from input may be anything.
 */
function remembered(rename: (key: string) => string): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let out = known.get(key);
    if (out === undefined) {
      out = rename(key);
      if (known.size < 1024) known.set(key, out);
    }
    return out;
  };
}

export const toSnake = remembered((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
export const toCamel = remembered((key) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));

export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

function renameKeys(o: Record<string, unknown>, rename: (k: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[rename(k)] = o[k];
  return out;
}

/** A camelCase codec seen through snake_case keys (top level only; nest `snakeCased` for inner objects). */
export class SnakeCasedType<C extends t.Mixed> extends t.Type<t.TypeOf<C>, Snaked<t.OutputOf<C>>, unknown> {
  readonly _tag = 'SnakeCasedType' as const;
  constructor(readonly inner: C) {
    super(
      `Snake<${inner.name}>`,
      (u): u is t.TypeOf<C> => inner.is(u),
      (u, c) => (isRecord(u) ? inner.validate(renameKeys(u, toCamel), c) : t.failure(u, c, 'expected an object')),
      (a) => renameKeys(inner.encode(a) as Record<string, unknown>, toSnake) as Snaked<t.OutputOf<C>>,
    );
  }
}

export const snakeCased = <C extends t.Mixed>(inner: C): SnakeCasedType<C> => new SnakeCasedType(inner);

/** Fills the keys missing from the input with defaults, then validates with `inner`. */
export class WithDefaultsType<C extends t.Mixed> extends t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> {
  readonly _tag = 'WithDefaultsType' as const;
  constructor(
    readonly inner: C,
    readonly defaults: Partial<t.TypeOf<C>>,
  ) {
    super(
      inner.name,
      (u): u is t.TypeOf<C> => inner.is(u),
      (u, c) => (isRecord(u) ? inner.validate({ ...freshDefaults(defaults), ...stripUndefined(u) }, c) : inner.validate(u, c)),
      (a) => inner.encode(a),
    );
  }
}

/** Each decode gets its own copy of array/object defaults: a caller pushing to one must not change the next. */
function freshDefaults(defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(defaults)) {
    const v = defaults[k];
    out[k] = Array.isArray(v) ? [...v] : isRecord(v) ? { ...v } : v;
  }
  return out;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export const withDefaults = <C extends t.Mixed>(inner: C, defaults: Partial<t.TypeOf<C>>): WithDefaultsType<C> =>
  new WithDefaultsType(inner, defaults);

/** Readable one-line summary of io-ts errors: "path.to.key: expected X, got Y". */
export function describeErrors(errors: t.Errors, max = 3): string {
  const lines = errors.slice(0, max).map((e) => {
    const path = errorPath(e.context);
    const expected = e.context[e.context.length - 1]?.type.name ?? 'value';
    const got = JSON.stringify(e.value);
    const what = e.message ?? `expected ${expected}, got ${got === undefined ? 'nothing' : truncate(got, 40)}`;
    return `${path || '(root)'}: ${what}`;
  });
  const more = errors.length > max ? ` (+${errors.length - max} more)` : '';
  return lines.join('; ') + more;
}

/**
 * The path of an error as the user wrote it: member indices of intersections and unions are io-ts
 * internals (`1.tasks.T-1.0.status` is `tasks.T-1.status`), and a property of a `snakeCased` codec
 * is named by its snake_case key, the one found in the file.
 */
function errorPath(context: t.Context): string {
  const keys: string[] = [];
  // Per entry: is its type (seen through wrappers and member indices) a snake_case view?
  const snakeScope: boolean[] = [];
  context.forEach((entry, i) => {
    const own = unwrap(entry.type);
    const parent = i > 0 ? unwrap((context[i - 1] as t.ContextEntry).type) : undefined;
    const isMember = parent?.tag === 'IntersectionType' || parent?.tag === 'UnionType';
    snakeScope.push(own.snake || (isMember && (snakeScope[i - 1] ?? false)));
    if (entry.key === '' || isMember) return;
    const isProperty = parent?.tag === 'InterfaceType' || parent?.tag === 'PartialType' || parent?.tag === 'StrictType';
    keys.push(isProperty && snakeScope[i - 1] ? toSnake(entry.key) : entry.key);
  });
  return keys.join('.');
}

/** The codec under our wrappers (which validate through their inner codec without a context entry). */
function unwrap(type: t.Decoder<unknown, unknown>): { tag: string | undefined; snake: boolean } {
  let current: unknown = type;
  let snake = false;
  while (current instanceof SnakeCasedType || current instanceof WithDefaultsType) {
    if (current instanceof SnakeCasedType) snake = true;
    current = current.inner;
  }
  return { tag: (current as { _tag?: string })._tag, snake };
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A non-negative integer (levels, counts). */
export const NonNegativeInt = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'NonNegativeInt');
export type NonNegativeInt = t.TypeOf<typeof NonNegativeInt>;

/** `C | null`. */
export const Nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);
