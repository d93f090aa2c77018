import Ajv from 'ajv';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toJsonSchema } from '../../src/codecs/jsonSchema';
import { NonNegativeInt, snakeCased, withDefaults } from '../../src/codecs/snakeCase';

const schema = suite('toJsonSchema');

schema('maps primitive codecs', () => {
  assert.equal(toJsonSchema(t.string), { type: 'string' });
  assert.equal(toJsonSchema(t.number), { type: 'number' });
  assert.equal(toJsonSchema(t.boolean), { type: 'boolean' });
  assert.equal(toJsonSchema(t.null), { type: 'null' });
  assert.equal(toJsonSchema(t.unknown), {});
  assert.equal(toJsonSchema(t.UnknownRecord), { type: 'object' });
  assert.equal(toJsonSchema(t.literal('x')), { const: 'x' });
  assert.equal(toJsonSchema(t.keyof({ a: null, b: null })), { type: 'string', enum: ['a', 'b'] });
});

schema('maps known refinements to integers, others to their base type', () => {
  assert.equal(toJsonSchema(t.Int), { type: 'integer' });
  assert.equal(toJsonSchema(NonNegativeInt), { type: 'integer', minimum: 0 });
  assert.equal(toJsonSchema(t.refinement(t.number, Number.isFinite, 'Finite')), { type: 'number' });
});

schema('maps objects: t.type keys are required, t.partial keys are not, intersections merge', () => {
  assert.equal(toJsonSchema(t.type({ a: t.string })), { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
  assert.equal(toJsonSchema(t.partial({ a: t.string })), { type: 'object', properties: { a: { type: 'string' } } });
  assert.equal(toJsonSchema(t.intersection([t.type({ a: t.string }), t.partial({ b: t.number })])), {
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'number' } },
    required: ['a'],
  });
});

schema('never forbids additional properties', () => {
  const s = toJsonSchema(t.intersection([t.type({ a: t.string }), t.partial({ b: t.number })]));
  assert.is(s.additionalProperties, undefined);
  assert.ok(new Ajv().validate(s, { a: 'x', c: 'unknown key' }));
});

schema('maps arrays and dictionaries', () => {
  assert.equal(toJsonSchema(t.array(t.string)), { type: 'array', items: { type: 'string' } });
  assert.equal(toJsonSchema(t.record(t.string, t.number)), { type: 'object', additionalProperties: { type: 'number' } });
});

schema('maps X | null to a type list, and wider unions to anyOf', () => {
  assert.equal(toJsonSchema(t.union([t.string, t.null])), { type: ['string', 'null'] });
  assert.equal(toJsonSchema(t.union([NonNegativeInt, t.null])), { type: ['integer', 'null'], minimum: 0 });
  assert.equal(toJsonSchema(t.union([t.union([t.number, t.string]), t.null])), { anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }] });
  assert.equal(toJsonSchema(t.union([t.keyof({ a: null }), t.null])), { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] });
});

schema('snakeCased gives snake_case property names, nested ones included', () => {
  const Inner = snakeCased(t.type({ workerId: t.number }));
  const Outer = snakeCased(t.intersection([t.type({ workerMetrics: t.array(Inner) }), t.partial({ p50DurationMs: t.number })]));
  assert.equal(toJsonSchema(Outer), {
    type: 'object',
    properties: {
      worker_metrics: { type: 'array', items: { type: 'object', properties: { worker_id: { type: 'number' } }, required: ['worker_id'] } },
      p50_duration_ms: { type: 'number' },
    },
    required: ['worker_metrics'],
  });
});

schema('withDefaults: keys with a default are not required and document it', () => {
  const Codec = snakeCased(withDefaults(t.type({ workerId: t.number, uptimeMs: t.number }), { uptimeMs: 0 }));
  assert.equal(toJsonSchema(Codec), {
    type: 'object',
    properties: { worker_id: { type: 'number' }, uptime_ms: { type: 'number', default: 0 } },
    required: ['worker_id'],
  });
});

schema('agrees with the codec on what it accepts', () => {
  const Codec = snakeCased(
    withDefaults(t.intersection([t.type({ workerId: t.Int, uptimeMs: t.Int }), t.partial({ status: t.keyof({ ready: null, stopped: null }) })]), { uptimeMs: 0 as t.Int }),
  );
  const validate = new Ajv().compile(toJsonSchema(Codec));
  const samples: unknown[] = [{ worker_id: 1 }, { worker_id: 1, uptime_ms: 5, status: 'ready' }, { worker_id: 1.5 }, { uptime_ms: 1 }, { worker_id: 1, status: 'gone' }, { worker_id: 1, extra: true }, 'x'];
  for (const sample of samples) assert.is(validate(sample), E.isRight(Codec.decode(sample)), JSON.stringify(sample));
});

schema('uses a $ref for codecs given in refs, and a named schema for custom codecs', () => {
  const Custom = new t.Type<number, number, unknown>('Custom', (u): u is number => typeof u === 'number', (u, c) => (typeof u === 'number' ? t.success(u) : t.failure(u, c)), t.identity);
  const Part = t.type({ x: t.number });
  const Whole = t.type({ part: Part, custom: Custom });
  assert.equal(toJsonSchema(Whole, { refs: new Map([[Part as t.Mixed, '#/definitions/part']]), named: { Custom: { type: 'integer' } } }), {
    type: 'object',
    properties: { part: { $ref: '#/definitions/part' }, custom: { type: 'integer' } },
    required: ['part', 'custom'],
  });
});

schema('throws on a codec it cannot describe (a programmer error)', () => {
  const Custom = new t.Type<number, number, unknown>('Mystery', (u): u is number => typeof u === 'number', (u, c) => t.failure(u, c), t.identity);
  assert.throws(() => toJsonSchema(t.type({ m: Custom })), /Mystery/);
});

schema.run();
