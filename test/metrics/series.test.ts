import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { DDSketch } from '../../src/metrics/ddsketch';
import { calculatePercentile } from '../../src/metrics/percentile';
import { EXACT_LIMIT, Series, SeriesFormatError } from '../../src/metrics/series';
import { lognormal, mulberry32 } from '../helpers/seededRandom';

const PS = [0, 1, 25, 50, 90, 95, 99, 100];

function seriesOf(values: Iterable<number>): Series {
  const s = new Series();
  for (const v of values) s.add(v);
  return s;
}

function sketchOf(values: Iterable<number>): DDSketch {
  const s = new DDSketch();
  for (const v of values) s.add(v);
  return s;
}

function durations(seed: number, n: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => Math.round(lognormal(rand, Math.log(2000), 1)));
}

const Exact = suite('Series (exact)');

Exact('test_calculate_percentile_p50 / p95 / empty: the seed values', () => {
  assert.is(seriesOf([10, 20, 30, 40]).percentile(50), 25);
  assert.is(seriesOf([10, 20, 30, 40, 50]).percentile(95), 48);
  assert.is(seriesOf([1, 2]).percentile(50), 1);
  const tens = seriesOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(tens.percentile(50), 5);
  assert.is(tens.percentile(95), 9);
  assert.is(seriesOf([42]).percentile(99), 42);
  assert.is(new Series().percentile(50), 0);
});

Exact('unsorted additions give the sorted result', () => {
  const s = seriesOf([40, 10, 30, 20]);
  assert.is(s.percentile(50), 25);
  s.add(5); // after a sort: becomes dirty again
  assert.is(s.percentile(0), 5);
  assert.is(s.percentile(50), 20);
  s.add(100); // in order: stays sorted
  assert.is(s.percentile(100), 100);
});

Exact('count, sum, min, max and mean', () => {
  const s = seriesOf([3, 1, 2]);
  assert.is(s.count, 3);
  assert.is(s.sum, 6);
  assert.is(s.min, 1);
  assert.is(s.max, 3);
  assert.is(s.mean(), 2);
});

Exact('an empty series: null min/max, mean and percentiles 0', () => {
  const s = new Series();
  assert.is(s.count, 0);
  assert.is(s.sum, 0);
  assert.is(s.min, null);
  assert.is(s.max, null);
  assert.is(s.mean(), 0);
  assert.is(s.percentile(95), 0);
  assert.is(s.method, 'exact');
});

Exact('a zero duration counts', () => {
  const s = seriesOf([0, 0, 10]);
  assert.is(s.count, 3);
  assert.is(s.min, 0);
  assert.is(s.percentile(50), 0);
  assert.ok(Math.abs(s.mean() - 10 / 3) < 1e-12);
});

Exact('negative, NaN and infinite values are ignored and counted as rejected', () => {
  const s = seriesOf([10, -5, Number.NaN, Infinity, 20]);
  assert.is(s.count, 2);
  assert.is(s.rejected, 3);
  assert.is(s.min, 10);
  assert.is(s.percentile(50), 15);
});

Exact('stays exact up to 4,096 samples and equals calculatePercentile', () => {
  const values = durations(1, EXACT_LIMIT);
  const s = new Series();
  for (let i = 0; i < values.length; i++) {
    s.add(values[i]!);
    // Ask now and then, so the dirty-flag path is exercised between additions.
    if (i % 997 === 0) assert.is(s.percentile(50), calculatePercentile(values.slice(0, i + 1), 50));
  }
  assert.is(s.method, 'exact');
  assert.is(s.count, EXACT_LIMIT);
  for (const p of PS) assert.is(s.percentile(p), calculatePercentile(values, p), `p${p}`);
});

Exact('property: for ≤ 4,096 values, percentile equals calculatePercentile', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.nat({ max: 100 }), fc.nat({ max: 36_000_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })), { maxLength: EXACT_LIMIT }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, p) => {
        const s = seriesOf(values);
        return s.method === 'exact' && s.percentile(p) === calculatePercentile(values, p) && s.count === values.length;
      },
    ),
    { seed: 20260127, numRuns: 300 },
  );
  // The default sizes favour short arrays; make sure long ones near the limit are tried too.
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 36_000_000 }), { minLength: EXACT_LIMIT - 50, maxLength: EXACT_LIMIT }), fc.integer({ min: 0, max: 100 }), (values, p) => {
      const s = seriesOf(values);
      return s.method === 'exact' && s.percentile(p) === calculatePercentile(values, p);
    }),
    { seed: 7, numRuns: 30 },
  );
});

Exact('rejects a percentile outside 0..100', () => {
  assert.throws(() => seriesOf([1]).percentile(101), /0\.\.100/);
  assert.throws(() => new Series().percentile(-1), /0\.\.100/);
});

Exact.run();

const Sketch = suite('Series (ddsketch)');

Sketch('switches to the sketch at the 4,097th sample', () => {
  const values = durations(2, EXACT_LIMIT + 1);
  const s = seriesOf(values.slice(0, EXACT_LIMIT));
  assert.is(s.method, 'exact');
  s.add(values[EXACT_LIMIT]!);
  assert.is(s.method, 'ddsketch');
  assert.is(s.count, EXACT_LIMIT + 1);
  assert.is(s.sum, values.reduce((a, b) => a + b, 0));
  assert.is(s.min, Math.min(...values));
  assert.is(s.max, Math.max(...values));
});

Sketch('past the limit, percentiles are within 1% of the exact ones', () => {
  const n = 100_001; // whole ranks at p50/p95/p99: the exact figure is an actual sample
  const values = durations(3, n);
  const s = seriesOf(values);
  for (const p of [50, 95, 99]) {
    const exact = calculatePercentile(values, p);
    const got = s.percentile(p);
    assert.ok(Number.isInteger(got), `p${p} integer`);
    assert.ok(Math.abs(got - exact) <= exact * 0.01 + 1, `p${p}: ${got} vs ${exact}`);
  }
  assert.is(s.percentile(0), Math.min(...values));
  assert.is(s.percentile(100), Math.max(...values));
});

Sketch('holds the same bins as a sketch fed the same values', () => {
  const values = durations(4, 10_000);
  const s = seriesOf(values);
  const direct = sketchOf(values);
  const json = s.toJSON();
  assert.is(json.method, 'ddsketch');
  if (json.method === 'ddsketch') assert.equal(json.sketch.bins, direct.toJSON().bins);
});

Sketch.run();

const Merge = suite('Series merge');

Merge('exact + exact stays exact while the total is ≤ 4,096', () => {
  const a = durations(5, 2000);
  const b = durations(6, 2096);
  const s = seriesOf(a);
  s.merge(seriesOf(b));
  assert.is(s.method, 'exact');
  assert.equal(s.toJSON(), seriesOf([...a, ...b]).toJSON());
  for (const p of PS) assert.is(s.percentile(p), calculatePercentile([...a, ...b], p));
});

Merge('exact + exact past 4,096 becomes the sketch of all values', () => {
  const a = durations(7, 3000);
  const b = durations(8, 3000);
  const s = seriesOf(a);
  s.merge(seriesOf(b));
  assert.is(s.method, 'ddsketch');
  assert.equal(s.toJSON(), seriesOf([...a, ...b]).toJSON());
});

Merge('any mix of modes gives what adding every value would give', () => {
  const parts = [100, 5000, 3000, 7000, 1].map((n, i) => durations(10 + i, n));
  const all = parts.flat();
  for (let rotation = 0; rotation < parts.length; rotation++) {
    const order = [...parts.slice(rotation), ...parts.slice(0, rotation)];
    const s = new Series();
    for (const p of order) s.merge(seriesOf(p));
    assert.equal(s.toJSON(), seriesOf(all).toJSON(), `rotation ${rotation}`);
  }
});

Merge('an empty series and a series itself', () => {
  const s = seriesOf([1, 2, 3]);
  s.merge(new Series());
  assert.equal(s.toJSON(), seriesOf([1, 2, 3]).toJSON());
  s.merge(s);
  assert.equal(s.toJSON(), seriesOf([1, 2, 3, 1, 2, 3]).toJSON());
  const e = new Series();
  e.merge(seriesOf([-1, 4]));
  assert.is(e.rejected, 1);
  assert.is(e.percentile(50), 4);
});

Merge('the merged-in series is left as it was', () => {
  const other = seriesOf(durations(20, 5000));
  const before = JSON.stringify(other);
  const s = seriesOf([1]);
  s.merge(other);
  s.add(99);
  assert.is(JSON.stringify(other), before);
});

Merge.run();

const Json = suite('Series JSON');

Json('round trip of an exact series is identical and canonical', () => {
  const s = seriesOf([30, 10, 20]);
  const json = JSON.parse(JSON.stringify(s));
  assert.equal(json, { method: 'exact', count: 3, sum: 60, min: 10, max: 30, rejected: 0, samples: [10, 20, 30] });
  const back = Series.fromJSON(json);
  assert.equal(back.toJSON(), s.toJSON());
  assert.is(back.percentile(50), 20);
  back.add(5);
  assert.is(back.percentile(0), 5);
});

Json('round trip of a sketch series is identical', () => {
  const s = seriesOf(durations(30, 20_000));
  s.add(-3);
  const back = Series.fromJSON(JSON.parse(JSON.stringify(s)));
  assert.equal(back.toJSON(), s.toJSON());
  assert.is(back.method, 'ddsketch');
  assert.is(back.rejected, 1);
  for (const p of PS) assert.is(back.percentile(p), s.percentile(p));
});

Json('a restored exact series crosses the limit like the original', () => {
  const values = durations(31, EXACT_LIMIT + 10);
  const original = seriesOf(values.slice(0, 4000));
  const restored = Series.fromJSON(JSON.parse(JSON.stringify(original)));
  for (const v of values.slice(4000)) {
    original.add(v);
    restored.add(v);
  }
  assert.is(restored.method, 'ddsketch');
  assert.equal(restored.toJSON(), original.toJSON());
});

Json('an empty series round-trips', () => {
  const back = Series.fromJSON(JSON.parse(JSON.stringify(new Series())));
  assert.is(back.count, 0);
  assert.is(back.min, null);
  back.add(1);
  assert.is(back.min, 1);
});

Json('bad input throws SeriesFormatError with a one-line reason', () => {
  const exact = seriesOf([10, 20, 30]).toJSON();
  const sketch = seriesOf(durations(40, 5000)).toJSON();
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', null, /invalid series JSON/],
    ['unknown method', { ...exact, method: 'tdigest' }, /invalid series JSON/],
    ['count mismatch', { ...exact, count: 4 }, /samples for count/],
    ['negative sample', { ...exact, samples: [-10, 20, 30] }, /sample/],
    ['wrong min', { ...exact, min: 11 }, /min\/max/],
    ['too many exact samples', { ...exact, count: 5000, samples: new Array(5000).fill(1), min: 1, max: 1 }, /more than 4096/],
    ['sketch count mismatch', { ...sketch, count: 6000 }, /holds 5000/],
    ['corrupt sketch', { ...sketch, sketch: { ...(sketch as { sketch: object }).sketch, bins: [-1.5] } }, /invalid sketch JSON/],
    ['sketch that should be exact', { method: 'ddsketch', count: 2, sum: 3, min: 1, max: 2, rejected: 0, sketch: sketchOf([1, 2]).toJSON() }, /should be exact/],
  ];
  for (const [name, input, message] of cases) {
    try {
      Series.fromJSON(input);
      assert.unreachable(name);
    } catch (e) {
      assert.instance(e, SeriesFormatError, name);
      assert.match((e as Error).message, message, name);
      assert.not.match((e as Error).message, /\n/, `${name}: one line`);
    }
  }
});

Json('JSON past 4,096 samples stays small', () => {
  const s = seriesOf(durations(50, 200_000));
  const bytes = Buffer.byteLength(JSON.stringify(s));
  assert.ok(bytes <= 8192, `${bytes} bytes`);
});

Json.run();
