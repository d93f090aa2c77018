import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeLine } from '../../src/events/decode';
import { EventLogAppender, newProducerId } from '../../src/orchestrator/eventLog';
import { OrchestratorEvents, PositionedEvent } from '../../src/sources/inProcess';
import { tempDirPerTest } from '../helpers/tempDir';

let dir = '';
const log = suite('EventLogAppender');
tempDirPerTest(log, 'mahabharatha-eventlog-', (d) => (dir = d));

const open = (file: string, now = () => 1_700_000_000_123.75) => {
  const emitter = new OrchestratorEvents();
  const seen: PositionedEvent[] = [];
  emitter.events$.subscribe((p) => seen.push(p));
  const appender = new EventLogAppender(file, { feature: 'feat', emitter, now, producer: 'p-1' });
  return { appender, seen };
};

log('appends one decodable line per event, with producer, seq from 1 and the feature', () => {
  const file = path.join(dir, 'feat-events.jsonl');
  const { appender } = open(file);
  appender.record('rush_started', { workers: 2, totalTasks: 3 });
  appender.record('task_created', { taskId: 'A', level: 0 });
  appender.record('worker_ready', { workerId: 1 }, 1_700_000_000_500.9);
  appender.close();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.is(lines.pop(), '', 'ends with a newline');
  const events = lines.map((l) => decodeLine(l));
  assert.ok(events.every(E.isRight));
  const decoded = events.flatMap((e) => (E.isRight(e) ? [e.right] : []));
  assert.equal(decoded.map((e) => [e.type, e.producer, e.seq, e.feature]), [
    ['rush_started', 'p-1', 1, 'feat'],
    ['task_created', 'p-1', 2, 'feat'],
    ['worker_ready', 'p-1', 3, 'feat'],
  ]);
  assert.equal(decoded[0]?.data, { workers: 2, totalTasks: 3 });
  assert.is(decoded[2]?.ts, 1_700_000_000_500);
  assert.is(appender.count, 3);
});

log('hands each event to the in-process source exactly as written, with the offset after its line', () => {
  const file = path.join(dir, 'feat-events.jsonl');
  const { appender, seen } = open(file);
  appender.record('task_created', { taskId: 'A', level: 1 });
  const sizeAfterFirst = fs.statSync(file).size;
  appender.record('task_created', { taskId: 'B', level: 1 });
  assert.is(seen[0]?.offset, sizeAfterFirst);
  assert.is(seen[1]?.offset, fs.statSync(file).size);
  const fromFile = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => decodeLine(l));
  assert.equal(fromFile.map((e) => (E.isRight(e) ? e.right : null)), seen.map((p) => p.event), 'a replay of the log equals what was emitted');
  appender.close();
});

log('continues the offsets of an existing log', () => {
  const file = path.join(dir, 'feat-events.jsonl');
  fs.writeFileSync(file, '{"earlier":"line"}\n');
  const { appender, seen } = open(file);
  appender.record('rush_completed', {});
  assert.is(seen[0]?.offset, fs.statSync(file).size);
  appender.close();
});

log('ends a torn last line before appending, so the new line stays whole', () => {
  const file = path.join(dir, 'feat-events.jsonl');
  fs.writeFileSync(file, '{"timestamp":"2026-01-01T00:00:00Z","type":"task_cre');
  const { appender, seen } = open(file);
  appender.record('rush_completed', {});
  appender.close();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.is(lines.length, 3);
  assert.ok(E.isRight(decodeLine(lines[1] ?? '')));
  assert.is(seen[0]?.offset, fs.statSync(file).size);
});

log('refuses to write after close', () => {
  const { appender } = open(path.join(dir, 'feat-events.jsonl'));
  appender.close();
  assert.throws(() => appender.record('rush_completed', {}), /closed/);
});

log.run();

const producer = suite('newProducerId');

producer('differs between two appenders of the same process', () => {
  assert.is.not(newProducerId(), newProducerId());
  assert.match(newProducerId(), new RegExp(`^rush-${process.pid}-`));
});

producer.run();
