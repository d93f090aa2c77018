import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENT_ALIASES, EVENT_TYPES, EventType, LifecycleEvent } from '../../src/events/codecs';
import { canonicalType, decodeEvent, decodeLine, encodeEvent, eventLine, MAX_LINE_BYTES, Rejection, REJECTION_REASONS, RejectionReason } from '../../src/events/decode';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events');
const TS = '2026-01-27T08:45:34.512Z';
const TS_MS = Date.UTC(2026, 0, 27, 8, 45, 34, 512);

/** A valid wire payload and its decoded (camelCase) form, for every canonical type. */
const SAMPLES: Record<EventType, { wire: Record<string, unknown>; data: Record<string, unknown> }> = {
  rush_started: { wire: { workers: 3, total_tasks: 12 }, data: { workers: 3, totalTasks: 12 } },
  worker_started: { wire: { worker_id: 1 }, data: { workerId: 1 } },
  worker_ready: { wire: { worker_id: 1 }, data: { workerId: 1 } },
  worker_stopped: { wire: { worker_id: 1 }, data: { workerId: 1 } },
  worker_crashed: { wire: { worker_id: 2, error: 'exit code 137' }, data: { workerId: 2, error: 'exit code 137' } },
  task_created: { wire: { task_id: 'T-1', level: 1 }, data: { taskId: 'T-1', level: 1 } },
  task_claimed: { wire: { task_id: 'T-1', worker_id: 1 }, data: { taskId: 'T-1', workerId: 1 } },
  task_started: { wire: { task_id: 'T-1', worker_id: 1 }, data: { taskId: 'T-1', workerId: 1 } },
  verification_passed: { wire: { task_id: 'T-1', worker_id: 1, duration_ms: 500 }, data: { taskId: 'T-1', workerId: 1, durationMs: 500 } },
  verification_failed: { wire: { task_id: 'T-1', worker_id: 1, duration_ms: 250 }, data: { taskId: 'T-1', workerId: 1, durationMs: 250 } },
  task_complete: { wire: { task_id: 'T-1', worker_id: 1, duration_ms: 1500 }, data: { taskId: 'T-1', workerId: 1, durationMs: 1500 } },
  task_failed: { wire: { task_id: 'T-1', worker_id: 1, error: 'boom' }, data: { taskId: 'T-1', workerId: 1, error: 'boom' } },
  task_retry_scheduled: {
    wire: { task_id: 'T-1', retry_count: 1, next_retry_at: '2026-01-27T08:46:00Z' },
    data: { taskId: 'T-1', retryCount: 1, nextRetryAt: '2026-01-27T08:46:00Z' },
  },
  level_started: { wire: { level: 2, tasks: 4 }, data: { level: 2, tasks: 4 } },
  level_complete: { wire: { level: 2 }, data: { level: 2 } },
  rush_completed: { wire: {}, data: {} },
  rush_stopped: { wire: { reason: 'signal' }, data: { reason: 'signal' } },
  worker_heartbeat: { wire: { worker_id: 1, task_id: 'T-1' }, data: { workerId: 1, taskId: 'T-1' } },
  task_interrupted: { wire: { task_id: 'T-1', worker_id: 1, reason: 'signal' }, data: { taskId: 'T-1', workerId: 1, reason: 'signal' } },
};

const right = (r: E.Either<Rejection, LifecycleEvent>): LifecycleEvent => {
  if (E.isLeft(r)) throw new Error(`expected an event, got ${r.left.reason}: ${r.left.detail}`);
  return r.right;
};
const left = (r: E.Either<Rejection, LifecycleEvent>): Rejection => {
  if (E.isRight(r)) throw new Error(`expected a rejection, got ${JSON.stringify(r.right)}`);
  return r.left;
};

const decode = suite('decodeEvent');

decode('decodes every event type to its camelCase payload and epoch-ms time', () => {
  for (const type of EVENT_TYPES) {
    const event = right(decodeEvent({ timestamp: TS, type, feature: 'f', data: SAMPLES[type].wire }));
    assert.is(event.type, type);
    assert.is(event.ts, TS_MS);
    assert.is(event.feature, 'f');
    assert.equal(event.data, SAMPLES[type].data, type);
  }
});

decode('maps every alias to its canonical type', () => {
  assert.ok(Object.keys(EVENT_ALIASES).length >= 5);
  for (const [alias, canonical] of Object.entries(EVENT_ALIASES)) {
    const event = right(decodeEvent({ timestamp: TS, type: alias, data: SAMPLES[canonical].wire }));
    assert.is(event.type, canonical, alias);
    assert.equal(event.data, SAMPLES[canonical].data, alias);
  }
});

decode('keeps producer and seq, and leaves absent envelope keys absent', () => {
  const event = right(decodeEvent({ timestamp: TS, type: 'rush_completed', producer: 'orch-1', seq: 7 }));
  assert.is(event.producer, 'orch-1');
  assert.is(event.seq, 7);
  const bare = right(decodeEvent({ timestamp: TS, type: 'rush_completed' }));
  assert.equal(Object.keys(bare).sort(), ['data', 'ts', 'type']);
});

decode('reads a missing data as empty for types without required fields', () => {
  assert.equal(right(decodeEvent({ timestamp: TS, type: 'rush_started' })).data, {});
  assert.is(left(decodeEvent({ timestamp: TS, type: 'worker_started' })).reason, 'bad_data');
});

decode('tolerates unknown keys in the envelope and in data', () => {
  const event = right(decodeEvent({ timestamp: TS, type: 'task_claimed', host: 'h1', data: { task_id: 'T-1', worker_id: 1, attempt_note: 'x' } }));
  assert.is(event.type, 'task_claimed');
  if (event.type === 'task_claimed') assert.is(event.data.taskId, 'T-1');
});

decode('accepts a numeric-string worker id (a state-file key)', () => {
  const event = right(decodeEvent({ timestamp: TS, type: 'worker_ready', data: { worker_id: '3' } }));
  assert.equal(event.data, { workerId: 3 });
});

decode('reads naive stamps with naiveTz', () => {
  const event = right(decodeEvent({ timestamp: '2026-01-27T09:45:34.512', type: 'rush_completed' }, { naiveTz: 'Europe/Berlin' }));
  assert.is(event.ts, TS_MS);
});

decode('keeps a negative measured duration for the reducer to count', () => {
  const event = right(decodeEvent({ timestamp: TS, type: 'task_complete', data: { task_id: 'T', worker_id: 1, duration_ms: -5 } }));
  assert.equal(event.data, { taskId: 'T', workerId: 1, durationMs: -5 });
});

decode('decodes upstream worker-log lines ({ts, event, worker_id, task_id, ...})', () => {
  const lines = fs.readFileSync(path.join(FIXTURES, 'upstream-worker-1.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  assert.is(lines.length, 63);
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const raw = JSON.parse(line) as { ts: string; task_id: string; duration_ms?: number };
    const event = right(decodeLine(line));
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    assert.is(event.feature, 'test');
    const [whole, fraction] = raw.ts.replace(/Z$/, '').split('.');
    assert.is(event.ts, Date.parse(`${whole}Z`) + Number(`0.${fraction ?? 0}`) * 1000);
    const data = event.data as Record<string, unknown>;
    assert.is(data.taskId, raw.task_id);
    assert.is(data.workerId, 1);
    // The log's `level` is a log level ("info"), not the task's level.
    assert.not.ok('level' in data, 'log level must not leak into the payload');
    if (raw.duration_ms !== undefined) assert.is(data.durationMs, raw.duration_ms);
  }
  assert.equal(counts, { task_started: 28, task_failed: 15, task_complete: 13, verification_passed: 7 });
});

decode('never throws on inherited property names used as types', () => {
  for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.is(left(decodeEvent({ timestamp: TS, type })).reason, 'unknown_type', type);
  }
});

decode.run();

const rejections = suite('rejection reasons');

/** An input for every reason; the test checks the table covers REJECTION_REASONS exactly. */
const REJECTED: ReadonlyArray<readonly [RejectionReason, string]> = [
  ['invalid_json', '{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_'],
  ['invalid_json', 'not json at all'],
  ['not_an_object', '[1, 2]'],
  ['not_an_object', '42'],
  ['not_an_object', 'null'],
  ['not_an_object', '"task_complete"'],
  ['bad_envelope', '{"type": "rush_started"}'],
  ['bad_envelope', '{"timestamp": 5, "type": "rush_started"}'],
  ['bad_envelope', '{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_started", "seq": -1}'],
  ['bad_envelope', '{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_started", "seq": 1.5}'],
  ['bad_envelope', '{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_started", "data": [1]}'],
  ['bad_envelope', '{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_started", "producer": 3}'],
  ['bad_timestamp', '{"timestamp": "yesterday", "type": "rush_started"}'],
  ['bad_timestamp', '{"timestamp": "2026-02-30T00:00:00Z", "type": "rush_started"}'],
  ['bad_data', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_claimed", "data": {"task_id": "T-1"}}'],
  ['bad_data', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_claimed", "data": {"task_id": "T-1", "worker_id": -1}}'],
  ['bad_data', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_created", "data": {"task_id": "T-1", "level": "2"}}'],
  ['bad_data', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_complete", "data": {"task_id": "T-1", "worker_id": 1, "duration_ms": "fast"}}'],
  ['unknown_type', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_exploded"}'],
  ['unknown_type', '{"ts": "2026-01-27T08:45:34Z", "event": "heartbeat", "worker_id": 1}'],
  ['line_too_long', `{"timestamp": "2026-01-27T08:45:34Z", "type": "rush_started", "pad": "${'x'.repeat(MAX_LINE_BYTES)}"}`],
  ['out_of_range', '{"timestamp": "2026-01-27T08:45:34Z", "type": "task_complete", "data": {"task_id": "T-1", "worker_id": 1, "duration_ms": 1e304}}'],
  ['out_of_range', '{"timestamp": "1969-07-20T20:17:40Z", "type": "worker_started", "data": {"worker_id": 1}}'],
];

rejections('every reason has an input that produces it', () => {
  assert.equal([...new Set(REJECTED.map(([reason]) => reason))].sort(), [...REJECTION_REASONS].sort());
});

rejections('each bad line is rejected with its reason, a detail and the line', () => {
  for (const [reason, line] of REJECTED) {
    const r = left(decodeLine(line));
    assert.is(r.reason, reason, line.slice(0, 80));
    assert.ok(r.detail.length > 0);
    assert.not.match(r.detail, /\n/);
    if (reason === 'line_too_long') assert.is(r.input, line.slice(0, 200));
    else assert.is(r.input, line);
  }
});

rejections('decodeEvent keeps the decoded value as the input', () => {
  const value = { timestamp: 'yesterday', type: 'rush_started' };
  assert.is(left(decodeEvent(value)).input, value);
});

rejections('bad_data names the type and the field', () => {
  const r = left(decodeLine('{"timestamp": "2026-01-27T08:45:34Z", "type": "task_claimed", "data": {"task_id": "T-1"}}'));
  assert.match(r.detail, /^task_claimed: /);
  assert.match(r.detail, /workerId|worker_id/);
});

rejections('unknown_type quotes the type', () => {
  assert.match(left(decodeLine('{"timestamp": "2026-01-27T08:45:34Z", "type": "task_exploded"}')).detail, /"task_exploded"/);
});

rejections.run();

const junk = suite('decode never throws');

const SEED = 20260127;

junk('on arbitrary JSON values', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const r = decodeEvent(value);
      return E.isLeft(r) ? REJECTION_REASONS.includes(r.left.reason) : typeof r.right.ts === 'number';
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

junk('on arbitrary strings as lines', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (line) => {
      const r = decodeLine(line);
      return E.isLeft(r) || E.isRight(r);
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

junk('on envelopes of every type whose fields are replaced by arbitrary JSON', () => {
  const typeNames = [...EVENT_TYPES, ...Object.keys(EVENT_ALIASES), 'toString', '__proto__'];
  const arbitraryEvent = fc.record({
    timestamp: fc.oneof(fc.constant(TS), fc.constant('2026-01-27T08:45:34'), fc.jsonValue()),
    type: fc.oneof(fc.constantFrom(...typeNames), fc.jsonValue()),
    seq: fc.oneof(fc.nat(), fc.jsonValue()),
    producer: fc.oneof(fc.string(), fc.jsonValue()),
    data: fc.oneof(
      fc.dictionary(fc.constantFrom('task_id', 'worker_id', 'level', 'duration_ms', 'retry_count', 'tasks', 'error', 'total_tasks', 'workers'), fc.jsonValue()),
      fc.jsonValue(),
    ),
  }, { requiredKeys: ['type'] });
  fc.assert(
    fc.property(arbitraryEvent, fc.constantFrom('UTC', 'Europe/Berlin', undefined), (value, naiveTz) => {
      const r = decodeEvent(value, naiveTz === undefined ? {} : { naiveTz });
      if (E.isLeft(r)) return REJECTION_REASONS.includes(r.left.reason);
      return EVENT_TYPES.includes(r.right.type) && Number.isFinite(r.right.ts);
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

junk('on worker-log shaped objects with arbitrary fields', () => {
  fc.assert(
    fc.property(
      fc.record({ ts: fc.oneof(fc.constant(TS), fc.jsonValue()), event: fc.oneof(fc.constantFrom('task_started', 'task_completed', 'task_failed'), fc.string()), worker_id: fc.jsonValue(), task_id: fc.jsonValue() }),
      (value) => {
        const r = decodeEvent(value);
        return E.isLeft(r) || E.isRight(r);
      },
    ),
    { seed: SEED, numRuns: 1000 },
  );
});

junk.run();

const canonical = suite('canonicalType');

canonical('names canonical types, aliases and nothing else', () => {
  for (const type of EVENT_TYPES) assert.is(canonicalType(type), type);
  assert.is(canonicalType('task_completed'), 'task_complete');
  assert.is(canonicalType('worker_spawned'), 'worker_started');
  for (const name of ['', 'task', 'TASK_COMPLETE', 'toString', 'constructor']) assert.is(canonicalType(name), undefined, name);
});

canonical.run();

const encode = suite('encodeEvent / eventLine');

encode('round-trips every event type through its JSONL line', () => {
  for (const type of EVENT_TYPES) {
    const event = right(decodeEvent({ timestamp: TS, type, feature: 'f', producer: 'p', seq: 3, data: SAMPLES[type].wire }));
    const line = eventLine(event);
    assert.ok(line.endsWith('\n'));
    assert.is(line.indexOf('\n'), line.length - 1, 'one line');
    assert.equal(right(decodeLine(line.trimEnd())), event, type);
  }
});

encode('writes snake_case data and a UTC Z timestamp', () => {
  const event = right(decodeEvent({ timestamp: '2026-01-27T10:45:34.512+02:00', type: 'task_completed', data: { task_id: 'T-1', worker_id: 1, duration_ms: 9 } }));
  assert.equal(encodeEvent(event), { timestamp: TS, type: 'task_complete', data: { task_id: 'T-1', worker_id: 1, duration_ms: 9 } });
});

encode.run();
