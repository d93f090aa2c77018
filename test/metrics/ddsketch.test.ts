import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DDSketch, SketchFormatError } from '../../src/metrics/ddsketch';
import { calculatePercentile } from '../../src/metrics/percentile';
import { lognormal, mulberry32 } from '../helpers/seededRandom';

const ALPHA = 0.01;
/** Float slack on top of α: the bin index comes from a logarithm. */
const TOLERANCE = ALPHA * (1 + 1e-9);
const QUANTILES = [0.5, 0.95, 0.99];

/** n = 100,001 so that q·(n−1) is a whole rank for every q tested: interpolation adds nothing. */
const N = 100_001;
const datasets: Record<string, (rand: () => number) => number> = {
  'lognormal (median 2 s)': (rand) => lognormal(rand, Math.log(2000), 1),
  'uniform 1 ms .. 10 min': (rand) => 1 + rand() * 600_000,
  'bimodal 50 ms / 30 s': (rand) => (rand() < 0.7 ? lognormal(rand, Math.log(50), 0.3) : lognormal(rand, Math.log(30_000), 0.5)),
  'whole ms, log-uniform 1 ms .. 10 h': (rand) => Math.round(Math.exp(rand() * Math.log(36_000_000))),
};

function sketchOf(values: Iterable<number>): DDSketch {
  const s = new DDSketch();
  for (const v of values) s.add(v);
  return s;
}

function draw(seed: number, n: number, gen: (rand: () => number) => number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => gen(rand));
}

const Accuracy = suite('DDSketch accuracy');

Accuracy('every quantile is within 1% of the exact value of its rank', () => {
  let seed = 1;
  for (const [name, gen] of Object.entries(datasets)) {
    const values = draw(seed++, N, gen);
    const sketch = sketchOf(values);
    const sorted = Float64Array.from(values).sort();
    for (const q of QUANTILES) {
      const exact = sorted[Math.floor(q * (N - 1))]!;
      const estimate = sketch.quantile(q)!;
      const error = Math.abs(estimate - exact) / exact;
      assert.ok(error <= TOLERANCE, `${name} q=${q}: ${estimate} vs ${exact} (${(error * 100).toFixed(3)}%)`);
      // The same figure as calculatePercentile, up to its truncation to whole ms.
      const seed = calculatePercentile(values, q * 100);
      assert.ok(Math.abs(estimate - seed) <= ALPHA * seed + 1, `${name} q=${q}: ${estimate} vs calculatePercentile ${seed}`);
    }
  }
});

Accuracy('every rank maps to the bin that holds it (reference scan over the JSON bins)', () => {
  const values = draw(5, 2_001, (rand) => (rand() < 0.1 ? 0 : Math.round(lognormal(rand, 5, 2))));
  const s = sketchOf(values);
  const j = s.toJSON();
  const counts = j.bins.flatMap((b) => (b < 0 ? new Array<number>(-b).fill(0) : [b]));
  const gamma = (1 + ALPHA) / (1 - ALPHA);
  for (let k = 0; k <= 2000; k++) {
    const q = k / 2000;
    const rank = q * (s.count - 1);
    let expected: number;
    if (k === 0) expected = s.min!;
    else if (k === 2000) expected = s.max!;
    else if (rank < j.zero_count) expected = 0;
    else {
      let running = j.zero_count;
      let slot = 0;
      while ((running += counts[slot]!) <= rank) slot++;
      expected = (2 * Math.pow(gamma, slot + j.offset)) / (gamma + 1);
      expected = Math.min(Math.max(expected, s.min!), s.max!);
    }
    assert.is(s.quantile(q), expected, `q=${q}`);
  }
});

Accuracy('count, sum, min and max are exact', () => {
  const values = draw(7, 10_000, (rand) => Math.round(rand() * 1000));
  const s = sketchOf(values);
  assert.is(s.count, values.length);
  assert.is(s.sum, values.reduce((a, b) => a + b, 0));
  assert.is(s.min, Math.min(...values));
  assert.is(s.max, Math.max(...values));
});

Accuracy('quantiles are clamped to the exact min and max', () => {
  const s = sketchOf([42]);
  for (const q of [0, 0.5, 1]) assert.is(s.quantile(q), 42);
  const t = sketchOf([1000, 1001, 1002]);
  assert.is(t.quantile(0), 1000);
  assert.is(t.quantile(1), 1002);
});

Accuracy('zero durations count, in the zero bin', () => {
  const s = sketchOf([0, 0, 0, 5000]);
  assert.is(s.count, 4);
  assert.is(s.quantile(0.5), 0);
  assert.is(s.min, 0);
  const top = s.quantile(1)!;
  assert.ok(Math.abs(top - 5000) <= 50, `${top}`);
});

Accuracy('an empty sketch has no quantile, min or max', () => {
  const s = new DDSketch();
  assert.is(s.quantile(0.5), null);
  assert.is(s.min, null);
  assert.is(s.max, null);
  assert.is(s.count, 0);
});

Accuracy('negative, NaN and infinite values are ignored and counted as rejected', () => {
  const s = sketchOf([10, -5, Number.NaN, Infinity, -Infinity, 20]);
  assert.is(s.count, 2);
  assert.is(s.rejected, 4);
  assert.is(s.sum, 30);
  assert.is(s.min, 10);
});

Accuracy('rejects a quantile outside 0..1 and an accuracy outside (0, 1)', () => {
  assert.throws(() => sketchOf([1]).quantile(1.5), /0\.\.1/);
  assert.throws(() => sketchOf([1]).quantile(Number.NaN), /0\.\.1/);
  assert.throws(() => new DDSketch(0), RangeError);
  assert.throws(() => new DDSketch(1), RangeError);
});

Accuracy.run();

const Merge = suite('DDSketch merge');

Merge('merging two sketches gives the sketch of the union, bin for bin', () => {
  // Disjoint ranges make the bins grow downwards and upwards while merging.
  const a = draw(11, 20_000, (rand) => Math.round(lognormal(rand, Math.log(30), 0.5)));
  const b = draw(12, 20_000, (rand) => Math.round(lognormal(rand, Math.log(3_000_000), 0.8)));
  const c = draw(13, 5_000, (rand) => Math.round(rand() * 10));
  const merged = sketchOf(b);
  merged.merge(sketchOf(a));
  merged.merge(sketchOf(c));
  const union = sketchOf([...a, ...b, ...c]);
  assert.equal(merged.toJSON(), union.toJSON());
  for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) assert.is(merged.quantile(q), union.quantile(q));
});

Merge('merge is order-independent', () => {
  const parts = [1, 2, 3, 4].map((seed) => draw(seed, 3_000, (rand) => Math.round(lognormal(rand, seed * 3, 1))));
  const forward = new DDSketch();
  for (const p of parts) forward.merge(sketchOf(p));
  const backward = new DDSketch();
  for (const p of [...parts].reverse()) backward.merge(sketchOf(p));
  assert.equal(forward.toJSON(), backward.toJSON());
});

Merge('merging an empty sketch changes nothing; merging into one copies', () => {
  const s = sketchOf([5, 50, 500]);
  const before = s.toJSON();
  s.merge(new DDSketch());
  assert.equal(s.toJSON(), before);
  const e = new DDSketch();
  e.merge(s);
  assert.equal(e.toJSON(), before);
});

Merge('a sketch merged with itself counts everything twice', () => {
  const s = sketchOf([5, 50, 500]);
  s.merge(s);
  assert.equal(s.toJSON(), sketchOf([5, 50, 500, 5, 50, 500]).toJSON());
});

Merge('the merged-in sketch is left as it was', () => {
  const a = sketchOf([1, 2, 3]);
  const b = sketchOf([1000, 2000]);
  const before = b.toJSON();
  a.merge(b);
  assert.equal(b.toJSON(), before);
});

Merge('refuses sketches of a different accuracy', () => {
  assert.throws(() => new DDSketch(0.01).merge(new DDSketch(0.02)), /different accuracy/);
});

Merge.run();

const Json = suite('DDSketch JSON');

Json('round trip gives an identical sketch', () => {
  const s = sketchOf(draw(21, 50_000, datasets['bimodal 50 ms / 30 s']!));
  s.add(0);
  s.add(-1);
  const back = DDSketch.fromJSON(JSON.parse(JSON.stringify(s)));
  assert.equal(back.toJSON(), s.toJSON());
  for (const q of [0, 0.5, 0.95, 0.99, 1]) assert.is(back.quantile(q), s.quantile(q));
  assert.is(back.rejected, 1);
  // The restored sketch keeps working.
  back.add(123_456);
  s.add(123_456);
  assert.equal(back.toJSON(), s.toJSON());
});

Json('an empty sketch round-trips', () => {
  const back = DDSketch.fromJSON(JSON.parse(JSON.stringify(new DDSketch())));
  assert.is(back.count, 0);
  assert.is(back.quantile(0.5), null);
  back.add(7);
  assert.is(back.quantile(0.5), 7);
});

Json('is compact: ≤ 8 KB for durations from 1 ms to 10 h', () => {
  const s = sketchOf(draw(31, 2_000_000, datasets['whole ms, log-uniform 1 ms .. 10 h']!));
  const bytes = Buffer.byteLength(JSON.stringify(s));
  assert.ok(bytes <= 8192, `${bytes} bytes`);
  // Sparse data: runs of empty bins are one number each.
  const sparse = sketchOf([1, 36_000_000]);
  assert.ok(Buffer.byteLength(JSON.stringify(sparse)) < 200, JSON.stringify(sparse));
  assert.equal(sparse.toJSON().bins.length, 3);
});

Json('writes snake_case keys and runs of empty bins as negative numbers', () => {
  const j = sketchOf([0, 1, 1.03, 100]).toJSON();
  assert.equal(Object.keys(j).sort(), ['alpha', 'bins', 'count', 'max', 'min', 'offset', 'rejected', 'sum', 'zero_count']);
  assert.is(j.zero_count, 1);
  assert.equal(j.bins.filter((b) => b > 0), [1, 1, 1]);
  assert.ok(j.bins.some((b) => b < 0));
});

Json('bad input throws SketchFormatError with a one-line reason', () => {
  const good = sketchOf([10, 20, 30]).toJSON();
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'sketch', /invalid sketch JSON/],
    ['missing key', { ...good, bins: undefined }, /bins/],
    ['count mismatch', { ...good, count: 4 }, /add up/],
    ['fractional bin', { ...good, bins: [1.5, 1, 1] }, /bin count/],
    ['bad accuracy', { ...good, alpha: 2 }, /alpha/],
    ['offset out of range', { ...good, offset: -1e9 }, /offset/],
    ['endless run of empty bins', { ...good, bins: [1, -1e12, 1, 1] }, /empty bins/],
    ['min above max', { ...good, min: 40 }, /min/],
    ['empty with a max', { ...new DDSketch().toJSON(), max: 3 }, /empty/],
  ];
  for (const [name, input, message] of cases) {
    try {
      DDSketch.fromJSON(input);
      assert.unreachable(name);
    } catch (e) {
      assert.instance(e, SketchFormatError, name);
      assert.match((e as Error).message, message, name);
      assert.not.match((e as Error).message, /\n/, `${name}: one line`);
    }
  }
});

Json.run();
