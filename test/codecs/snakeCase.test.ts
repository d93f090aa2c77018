import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeErrors, NonNegativeInt, snakeCased, toCamel, toSnake, withDefaults } from '../../src/codecs/snakeCase';

const rightOf = <A>(r: E.Either<t.Errors, A>): A => {
  if (E.isLeft(r)) throw new Error(describeErrors(r.left));
  return r.right;
};

const keys = suite('toSnake / toCamel');

const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['workerId', 'worker_id'],
  ['initializationMs', 'initialization_ms'],
  ['p50DurationMs', 'p50_duration_ms'],
  ['p99DurationMs', 'p99_duration_ms'],
  ['lastTaskCompletedAt', 'last_task_completed_at'],
  ['level', 'level'],
];

keys('convert our keys both ways', () => {
  for (const [camel, snake] of PAIRS) {
    assert.is(toSnake(camel), snake);
    assert.is(toCamel(snake), camel);
  }
});

keys.run();

const Point = snakeCased(t.type({ workerId: t.number, totalTaskDurationMs: t.number }));

const snake = suite('snakeCased');

snake('decodes snake_case input into camelCase', () => {
  assert.equal(rightOf(Point.decode({ worker_id: 2, total_task_duration_ms: 30 })), { workerId: 2, totalTaskDurationMs: 30 });
});

snake('encodes back to snake_case', () => {
  assert.equal(Point.encode({ workerId: 2, totalTaskDurationMs: 30 }), { worker_id: 2, total_task_duration_ms: 30 });
});

snake('keeps unknown keys through a decode/encode round trip', () => {
  const decoded = rightOf(Point.decode({ worker_id: 2, total_task_duration_ms: 30, host_name: 'h1' }));
  assert.equal(Point.encode(decoded), { worker_id: 2, total_task_duration_ms: 30, host_name: 'h1' });
});

snake('rejects a missing field, named by its snake_case key, and non-objects', () => {
  const missing = Point.decode({ worker_id: 2 });
  assert.ok(E.isLeft(missing));
  if (E.isLeft(missing)) assert.is(describeErrors(missing.left), 'total_task_duration_ms: expected number, got nothing');
  for (const bad of [null, 3, 'x', [1]]) {
    const r = Point.decode(bad);
    assert.ok(E.isLeft(r), JSON.stringify(bad));
    if (E.isLeft(r)) assert.match(describeErrors(r.left), /expected an object/);
  }
});

snake('nests: an inner snakeCased codec renames its own keys', () => {
  const Outer = snakeCased(t.type({ workerMetrics: t.array(Point) }));
  const decoded = rightOf(Outer.decode({ worker_metrics: [{ worker_id: 1, total_task_duration_ms: 5 }] }));
  assert.equal(decoded, { workerMetrics: [{ workerId: 1, totalTaskDurationMs: 5 }] });
  assert.equal(Outer.encode(decoded), { worker_metrics: [{ worker_id: 1, total_task_duration_ms: 5 }] });
});

snake('is() checks the camelCase form', () => {
  assert.ok(Point.is({ workerId: 1, totalTaskDurationMs: 2 }));
  assert.not.ok(Point.is({ worker_id: 1, total_task_duration_ms: 2 }));
});

snake.run();

const Defaults = withDefaults(t.type({ id: t.number, count: t.number, tags: t.array(t.string), note: t.union([t.string, t.null]) }), {
  count: 0,
  tags: [],
  note: null,
});

const defaults = suite('withDefaults');

defaults('fills missing keys, keeps given ones', () => {
  assert.equal(rightOf(Defaults.decode({ id: 1 })), { id: 1, count: 0, tags: [], note: null });
  assert.equal(rightOf(Defaults.decode({ id: 1, count: 4, note: 'n' })), { id: 1, count: 4, tags: [], note: 'n' });
});

defaults('treats an undefined value as missing', () => {
  assert.equal(rightOf(Defaults.decode({ id: 1, count: undefined })), { id: 1, count: 0, tags: [], note: null });
});

defaults('does not default a key without a default', () => {
  assert.ok(E.isLeft(Defaults.decode({ count: 1 })));
});

defaults('gives each decode its own copy of array defaults', () => {
  const first = rightOf(Defaults.decode({ id: 1 }));
  first.tags.push('changed');
  assert.equal(rightOf(Defaults.decode({ id: 2 })).tags, []);
});

defaults('passes non-objects to the inner codec, which rejects them', () => {
  assert.ok(E.isLeft(Defaults.decode('x')));
});

defaults.run();

const errors = suite('describeErrors');

errors('names the path and what was expected, on one line', () => {
  const Nested = t.type({ a: t.type({ b: t.number }) });
  const r = Nested.decode({ a: { b: 'x' } });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.is(describeErrors(r.left), 'a.b: expected number, got "x"');
});

errors('says (root) for a top-level mismatch and "nothing" for a missing value', () => {
  const top = t.number.decode('x');
  if (E.isLeft(top)) assert.is(describeErrors(top.left), '(root): expected number, got "x"');
  const missing = t.type({ a: t.number }).decode({});
  if (E.isLeft(missing)) assert.is(describeErrors(missing.left), 'a: expected number, got nothing');
  assert.ok(E.isLeft(top) && E.isLeft(missing));
});

errors('leaves io-ts member indices out of the path, keeps array indices and record keys', () => {
  const Task = t.intersection([t.type({ status: t.keyof({ done: null }) }), t.partial({ level: t.union([t.number, t.null]) })]);
  const File = t.intersection([t.type({ feature: t.string }), t.partial({ tasks: t.record(t.string, Task), log: t.array(Task) })]);
  const r = File.decode({ feature: 'f', tasks: { 'T-1': { status: 'nope' } }, log: [{ status: 'done' }, { status: 'done', level: 'x' }] });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    const text = describeErrors(r.left);
    assert.match(text, /^tasks\.T-1\.status: expected "done", got "nope"/);
    assert.match(text, /log\.1\.level: /);
  }
});

errors('names properties of a snakeCased codec by their snake_case keys', () => {
  const Outer = snakeCased(t.type({ workerMetrics: t.array(snakeCased(t.type({ uptimeMs: t.number }))) }));
  const r = Outer.decode({ worker_metrics: [{ uptime_ms: 'long' }] });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.is(describeErrors(r.left), 'worker_metrics.0.uptime_ms: expected number, got "long"');
});

errors('caps the list and counts the rest', () => {
  const r = t.type({ a: t.number, b: t.number, c: t.number, d: t.number, e: t.number }).decode({});
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    const text = describeErrors(r.left);
    assert.is(text.split('; ').length, 3);
    assert.match(text, /\(\+2 more\)$/);
  }
});

errors('truncates long values', () => {
  const r = t.number.decode('y'.repeat(100));
  if (E.isLeft(r)) assert.ok(describeErrors(r.left).length < 80);
  assert.ok(E.isLeft(r));
});

errors.run();

const nonNeg = suite('NonNegativeInt');

nonNeg('accepts 0 and positive integers only', () => {
  for (const ok of [0, 1, 42, 2 ** 40]) assert.ok(E.isRight(NonNegativeInt.decode(ok)), String(ok));
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) assert.ok(E.isLeft(NonNegativeInt.decode(bad)), String(bad));
});

nonNeg.run();
