import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { calculatePercentile, percentileOfSorted } from '../../src/metrics/percentile';

const CalculatePercentile = suite('calculatePercentile');

CalculatePercentile('test_calculate_percentile_p50: interpolates between the middle pair', () => {
  assert.is(calculatePercentile([10, 20, 30, 40], 50), 25);
  assert.is(calculatePercentile([1, 2], 50), 1);
  assert.is(calculatePercentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
});

CalculatePercentile('test_calculate_percentile_p95: truncates the interpolated value', () => {
  assert.is(calculatePercentile([10, 20, 30, 40, 50], 95), 48);
  assert.is(calculatePercentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 9);
});

CalculatePercentile('test_calculate_percentile_empty_list: [] gives 0', () => {
  assert.is(calculatePercentile([], 50), 0);
  assert.is(calculatePercentile([], 95), 0);
  assert.is(calculatePercentile([], 0), 0);
});

CalculatePercentile('a single value is every percentile', () => {
  for (const p of [0, 1, 50, 95, 99, 100]) assert.is(calculatePercentile([42], p), 42);
});

CalculatePercentile('p0 is the minimum and p100 the maximum', () => {
  assert.is(calculatePercentile([7, 3, 9, 1], 0), 1);
  assert.is(calculatePercentile([7, 3, 9, 1], 100), 9);
});

CalculatePercentile('unsorted input gives the sorted result and is left as it was', () => {
  const input = [40, 10, 30, 20];
  assert.is(calculatePercentile(input, 50), 25);
  assert.equal(input, [40, 10, 30, 20]);
  const tens = [50, 30, 10, 40, 20];
  assert.is(calculatePercentile(tens, 95), 48);
  assert.equal(tens, [50, 30, 10, 40, 20]);
});

CalculatePercentile('sorts numerically, not as strings', () => {
  assert.is(calculatePercentile([100, 20, 3], 0), 3);
  assert.is(calculatePercentile([100, 20, 3], 50), 20);
});

CalculatePercentile('interpolation never loses a millisecond to float noise', () => {
  // idx = p/100 × (n−1) lands exactly on an element for these; the answer must be that element.
  for (let n = 2; n <= 200; n++) {
    const values = Array.from({ length: n }, (_, i) => (i + 1) * 10);
    for (let p = 0; p <= 100; p++) {
      const scaled = p * (n - 1);
      const lower = Math.floor(scaled / 100);
      const expected = (lower + 1) * 10 + Math.trunc(((scaled % 100) * 10) / 100);
      assert.is(calculatePercentile(values, p), expected, `n=${n} p=${p}`);
    }
  }
});

CalculatePercentile('truncates toward zero for negative values', () => {
  assert.is(calculatePercentile([-3, -2], 50), -2);
  assert.ok(Object.is(calculatePercentile([-1, 0], 50), 0), 'no negative zero');
});

CalculatePercentile('agrees with a reference implementation on random input', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1e7 }), { maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (values, p) => {
      const ref = referencePercentile(values, p);
      return calculatePercentile(values, p) === ref;
    }),
    { seed: 4242, numRuns: 500 },
  );
});

CalculatePercentile('rejects a percentile outside 0..100', () => {
  assert.throws(() => calculatePercentile([1], 101), /0\.\.100/);
  assert.throws(() => calculatePercentile([1], -1), /0\.\.100/);
  assert.throws(() => calculatePercentile([1], Number.NaN), /0\.\.100/);
});

CalculatePercentile.run();

const PercentileOfSorted = suite('percentileOfSorted');

PercentileOfSorted('reads an already sorted array or typed array', () => {
  assert.is(percentileOfSorted([10, 20, 30, 40], 50), 25);
  assert.is(percentileOfSorted(Float64Array.of(10, 20, 30, 40, 50), 95), 48);
  assert.is(percentileOfSorted([], 50), 0);
});

PercentileOfSorted.run();

/** Exact rational arithmetic on integers: idx = p(n−1)/100, value = lo + (hi−lo)·r/100, truncated. */
function referencePercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const scaled = BigInt(p * (s.length - 1));
  const lower = Number(scaled / 100n);
  const r = scaled % 100n;
  const lo = BigInt(s[lower]!);
  const hi = BigInt(s[Math.min(lower + 1, s.length - 1)]!);
  return Number(lo + ((hi - lo) * r) / 100n); // BigInt division truncates toward zero
}
