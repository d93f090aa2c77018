import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEntry, eventFields } from '../../src/broker/eventEntry';
import { decodeTask, taskFields } from '../../src/broker/taskEntry';
import { brokerFrom, parseBrokerUrl } from '../../src/broker/url';
import type { LifecycleEvent } from '../../src/events/codecs';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const url = suite('parseBrokerUrl');

url('reads host, port and database, with defaults', () => {
  const cases: [string, [string, number, number]][] = [
    ['redis://127.0.0.1:6390', ['127.0.0.1', 6390, 0]],
    ['redis://broker.example:7000/3', ['broker.example', 7000, 3]],
    ['redis://localhost', ['localhost', 6379, 0]],
    ['  redis://[::1]:6379/1 ', ['::1', 6379, 1]],
  ];
  for (const [text, want] of cases) {
    const r = parseBrokerUrl(text);
    assert.ok(E.isRight(r), text);
    if (E.isRight(r)) assert.equal([r.right.host, r.right.port, r.right.db], want, text);
  }
});

url('refuses what is not a redis address, saying why', () => {
  const cases: [string, RegExp][] = [
    ['127.0.0.1:6379', /unsupported scheme|not a URL/],
    ['http://host:6379', /unsupported scheme "http"/],
    ['redis://host:6379/x', /database "x" is not a number/],
    ['redis://user:secret@host:6379', /credentials/],
    ['nonsense', /not a URL/],
  ];
  for (const [text, why] of cases) {
    const r = parseBrokerUrl(text);
    assert.ok(E.isLeft(r), text);
    if (E.isLeft(r)) {
      assert.match(r.left, why, text);
      assert.match(r.left, /expected redis:\/\/HOST:PORT\[\/DB\]/);
    }
  }
});

url('the flag wins over MAHABHARATHA_BROKER; a blank one is none', () => {
  const env = { MAHABHARATHA_BROKER: 'redis://env-host:1' };
  const pick = (flag: string | undefined, e: NodeJS.ProcessEnv) => {
    const r = brokerFrom(flag, e);
    return E.isRight(r) ? (r.right?.host ?? null) : 'error';
  };
  assert.is(pick('redis://flag-host:2', env), 'flag-host');
  assert.is(pick(undefined, env), 'env-host');
  assert.is(pick(undefined, {}), null);
  assert.is(pick(undefined, { MAHABHARATHA_BROKER: ' ' }), null);
  assert.is(pick('ftp://x', env), 'error');
});

url.run();

const entry = suite('event entries');

const complete: LifecycleEvent = { type: 'task_complete', ts: Date.UTC(2026, 0, 2, 3, 4, 5, 678), feature: 'f', producer: 'worker-a', seq: 12, data: { taskId: 'T-1', workerId: 4, durationMs: 250 } };

entry('an event goes to stream fields and back unchanged, producer and seq kept', () => {
  const fields = eventFields(complete);
  assert.equal(fields.slice(0, 4), ['timestamp', '2026-01-02T03:04:05.678Z', 'type', 'task_complete']);
  assert.equal(decodeEntry(fields), E.right(complete));
});

entry('every event of a generated run comes back from its entry as it went in', () => {
  const events = generateRun(mulberry32(5), { workers: 3, tasksPerLevel: [3, 4], producer: 'p', feature: 'f' });
  for (const e of events) assert.equal(decodeEntry(eventFields(e)), E.right(e), e.type);
});

entry('a malformed entry is a rejection with its reason, never a throw', () => {
  const good = eventFields(complete);
  const withData = (data: string) => [...good.slice(0, -1), data];
  const cases: [string[], string][] = [
    [withData('{not json'), 'invalid_json'],
    [withData('{"task_id": 5}'), 'bad_data'],
    [['type', 'task_complete', 'data', '{}'], 'bad_envelope'],
    [['timestamp', 'yesterday', 'type', 'task_complete', 'data', '{}'], 'bad_timestamp'],
    [['timestamp', '2026-01-02T03:04:05Z', 'type', 'made_up', 'data', '{}'], 'unknown_type'],
    [['timestamp', '2026-01-02T03:04:05Z', 'type', 'rush_completed', 'seq', '-3', 'data', '{}'], 'bad_envelope'],
  ];
  for (const [fields, reason] of cases) {
    const r = decodeEntry(fields);
    assert.ok(E.isLeft(r) && r.left.reason === reason, `${JSON.stringify(fields)} → ${reason}`);
  }
});

entry.run();

const task = suite('task entries');

task('a queued task goes to fields and back', () => {
  const t = { taskId: 'BR-1', level: 2, command: 'node -e "1"', timeoutMs: 30000, attempt: 3 };
  assert.equal(decodeTask(taskFields(t)), E.right(t));
});

task('a malformed task entry is refused with what is wrong', () => {
  const r = decodeTask(['task_id', 'X', 'level', 'two', 'command', 'true', 'timeout_ms', '10', 'attempt', '1']);
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.match(r.left, /level/);
  assert.ok(E.isLeft(decodeTask(['task_id', 'X'])));
});

task.run();
