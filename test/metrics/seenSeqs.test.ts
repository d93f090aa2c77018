import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_RANGES, SeenSeqs } from '../../src/metrics/seenSeqs';

const Seen = suite('SeenSeqs');

Seen('an in-order stream is one range', () => {
  const seen = new SeenSeqs();
  for (let seq = 1; seq <= 10_000; seq++) assert.ok(seen.note('p', seq));
  assert.equal(seen.toRecord(), { p: [[1, 10_000]] });
});

Seen('a seq below the highest is new until that very seq was seen', () => {
  const seen = new SeenSeqs();
  assert.ok(seen.note('p', 1000));
  for (const seq of [5, 3, 4, 1, 2]) assert.ok(seen.note('p', seq), `seq ${seq}`);
  assert.not.ok(seen.note('p', 1000));
  assert.not.ok(seen.note('p', 3));
  assert.equal(seen.toRecord(), { p: [[1, 5], [1000, 1000]] });
  assert.equal(seen.highWaterMarks(), { p: 1000 });
});

Seen('agrees with a plain set of pairs on any order of notes', () => {
  const note = fc.tuple(fc.constantFrom('p', 'q', 'r'), fc.integer({ min: 0, max: 60 }));
  fc.assert(
    fc.property(fc.array(note, { maxLength: 300 }), (notes) => {
      const seen = new SeenSeqs();
      const plain = new Set<string>();
      for (const [producer, seq] of notes) {
        const key = `${producer}:${seq}`;
        assert.is(seen.note(producer, seq), !plain.has(key));
        plain.add(key);
      }
      // Stored and restored, it still knows exactly the same pairs.
      const restored = new SeenSeqs(JSON.parse(JSON.stringify(seen.toRecord())));
      for (const producer of ['p', 'q', 'r']) {
        for (let seq = 0; seq <= 61; seq++) assert.is(restored.has(producer, seq), plain.has(`${producer}:${seq}`));
      }
    }),
    { seed: 10, numRuns: 300 },
  );
});

Seen("an older checkpoint's high-water mark reads as everything up to it", () => {
  const seen = SeenSeqs.fromHighWaterMarks({ p: 7 });
  assert.not.ok(seen.note('p', 7));
  assert.not.ok(seen.note('p', 1));
  assert.ok(seen.note('p', 8));
  assert.ok(seen.note('q', 1));
});

Seen('memory is bounded by open gaps, not events: past the bound the oldest gap closes', () => {
  const seen = new SeenSeqs();
  for (let k = 0; k <= MAX_RANGES; k++) seen.note('p', k * 2);
  const ranges = seen.toRecord().p ?? [];
  assert.is(ranges.length, MAX_RANGES);
  assert.equal(ranges[0], [0, 2]);
});

Seen.run();
