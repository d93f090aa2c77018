import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lineHash, lineHashIn, RecentLines } from '../../src/metrics/recentLines';
import { mulberry32 } from '../helpers/seededRandom';

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

Recent('agrees with a plain list of the last lines over long random streams, colliding table slots included', () => {
  const rand = mulberry32(11);
  for (const size of [1, 5, 64]) {
    const recent = new RecentLines(size);
    const window: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      // Few distinct values, many sharing their low bits: long probe runs, removals inside them.
      const h = Math.floor(rand() * 3 * size) * 2 ** 32 + Math.floor(rand() * 4) * 16;
      const expected = window.includes(h);
      assert.is(recent.hasHash(h), expected, `size ${size}, step ${k}`);
      if (!expected) {
        window.push(h);
        if (window.length > size) window.shift();
      }
    }
    assert.equal(recent.toJSON(), window);
  }
});

Recent('a checkpoint whose hashes are not hashes, or repeat, restores the lines it can', () => {
  const restored = new RecentLines(4, [lineHash('a'), -1, 1.5, lineHash('a'), lineHash('b')] as number[]);
  assert.equal(restored.toJSON(), [lineHash('a'), lineHash('b')]);
  assert.ok(restored.has('a'));
});

Recent.run();
