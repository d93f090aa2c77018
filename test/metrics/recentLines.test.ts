import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lineHash, lineHashIn, RecentLines } from '../../src/metrics/recentLines';

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

Recent('the hash of an ASCII line read in its bytes is the hash of its text; a line with other bytes has none there', () => {
  const ascii = ' {"timestamp": "2026-01-27T08:00:00.000000+00:00", "type": "task_claimed"}\t';
  const bytes = Buffer.from(`xx${ascii}\n`, 'latin1');
  assert.is(lineHashIn(bytes, 2, 2 + ascii.length), lineHash(ascii));
  assert.is(lineHashIn(Buffer.from('{"task_id":"T-é"}', 'utf8'), 0, 18), undefined);
});

Recent('a line noted by its hash is recognised by its text, and the other way round', () => {
  const recent = new RecentLines(4);
  recent.noteHash(lineHash('a'));
  assert.ok(recent.has('a'));
  assert.not.ok(recent.hasHash(lineHash('b')));
  assert.ok(recent.has('b'));
});

Recent.run();
