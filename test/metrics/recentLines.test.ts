import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lineHash, RecentLines } from '../../src/metrics/recentLines';

const Recent = suite('RecentLines');

Recent('a line seen again within the window is recognised; further back it is new again', () => {
  const recent = new RecentLines(3);
  assert.not.ok(recent.has('a'));
  assert.ok(recent.has('a'));
  for (const line of ['b', 'c', 'd']) assert.not.ok(recent.has(line));
  assert.not.ok(recent.has('a'), "'a' left the window of 3");
  assert.ok(recent.has('d'));
});

Recent('restored from its JSON, it recognises the same lines, in the same window', () => {
  const recent = new RecentLines(3);
  for (const line of ['a', 'b', 'c', 'd']) recent.note(line);
  const restored = new RecentLines(3, JSON.parse(JSON.stringify(recent.toJSON())));
  assert.ok(restored.has('b'));
  assert.ok(restored.has('d'));
  assert.not.ok(restored.has('a'));
  assert.equal(restored.toJSON(), [lineHash('c'), lineHash('d'), lineHash('a')]);
});

Recent('hashes are whole numbers within 53 bits, and differ for lines one character apart', () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `{"timestamp":"2026-01-27T08:00:00.000Z","type":"task_claimed","data":{"task_id":"T-${i}","worker_id":1}}`);
  const hashes = new Set(lines.map(lineHash));
  assert.is(hashes.size, lines.length);
  for (const h of hashes) assert.ok(Number.isSafeInteger(h) && h >= 0);
});

Recent.run();
