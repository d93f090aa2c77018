import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { barLines, columnChart, durationHistogram, throughputSeries } from '../../../src/views/dashboard/charts';
import { mulberry32 } from '../../helpers/seededRandom';

const histogram = suite('durationHistogram');

histogram('has no buckets without durations', () => {
  assert.equal(durationHistogram([], 8), []);
  assert.equal(durationHistogram([-5, Number.NaN], 8), []);
});

histogram('puts equal durations in one bucket', () => {
  assert.equal(durationHistogram([1500, 1500, 1500], 8), [{ fromMs: 1500, toMs: 1500, count: 3, label: '1.5s' }]);
});

histogram('uses readable bucket widths and labels', () => {
  const b = durationHistogram([0, 100, 260, 510, 990], 4);
  assert.equal(b.map((x) => [x.fromMs, x.toMs, x.count]), [[0, 250, 2], [250, 500, 1], [500, 750, 1], [750, 1000, 1]]);
  assert.is(b[1]?.label, '250ms–500ms');
});

histogram('never exceeds the bucket budget and loses no sample', () => {
  const rand = mulberry32(7);
  for (let round = 0; round < 50; round++) {
    const n = 1 + Math.floor(rand() * 200);
    const values = Array.from({ length: n }, () => Math.floor(rand() * 10 ** (1 + rand() * 6)));
    const max = 1 + Math.floor(rand() * 12);
    const b = durationHistogram(values, max);
    assert.ok(b.length <= max, `${b.length} buckets > ${max}`);
    assert.is(b.reduce((s, x) => s + x.count, 0), n);
  }
});

const throughput = suite('throughputSeries');

throughput('counts completions per bucket from the start', () => {
  const s = throughputSeries([1_000, 1_500, 5_200, 9_999], 0, 10_000, 10);
  assert.is(s.bucketMs, 1000);
  assert.equal(s.counts, [0, 2, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(s.labels.slice(0, 3), ['0s', '1s', '2s']);
});

throughput('widens the buckets to stay within the point budget', () => {
  const s = throughputSeries([], 0, 600_000, 20);
  assert.is(s.bucketMs, 30_000);
  assert.is(s.counts.length, 20);
  assert.is(s.labels[2], '1m');
});

throughput('always has two points to draw a line, and counts early stamps in the first', () => {
  const s = throughputSeries([-500], 0, 100, 30);
  assert.equal(s.counts, [1, 0]);
  // After the end: not counted.
  assert.equal(throughputSeries([5_000], 0, 1_000, 30).counts, [0, 0]);
});

const columns = suite('columnChart');

columns('draws whole counts as columns, a count of one as a column and never a triangle', () => {
  const c = columnChart([0, 1, 0, 2], ['0s', '1s', '2s', '3s'], 13, 5);
  // 13 columns: the y label and axis take 2, leaving 11: columns of 2 cells (a bar and a gap).
  assert.equal(
    c.rows.map((r) => `${r.axis}${r.columns}`),
    ['2│      █ ', ' │      █ ', ' │  █   █ ', '0│  █   █ '],
  );
  // First and last labels under their columns; the middle one would touch the first and is left out.
  assert.is(c.xAxis, '  0s   3s');
});

columns('gives a column its height to an eighth of a row, and a non-zero count at least a sliver', () => {
  const c = columnChart([100, 1, 0], ['0s', '1s', '2s'], 8, 3);
  assert.equal(c.rows.map((r) => r.axis), ['100│', '  0│']);
  assert.equal(c.rows.map((r) => r.columns), ['█   ', '█ ▁ ']);
  const half = columnChart([8, 4], ['0s', '1s'], 10, 2);
  assert.equal(half.rows.map((r) => r.columns), ['███ ▄▄▄ ']);
});

columns('widens the columns when there are few buckets, and keeps the time labels under them', () => {
  const c = columnChart([1, 1], ['0s', '1s'], 40, 3);
  assert.is(c.rows[0]?.columns, '█████ █████ ');
  assert.is(c.xAxis, '  0s       1s');
});

columns('draws an empty chart with no completions', () => {
  const c = columnChart([0, 0], ['0s', '1s'], 20, 4);
  assert.ok(c.rows.every((r) => r.columns.trim() === ''));
  assert.is(c.rows[0]?.axis, '0│');
});

const bars = suite('barLines');

bars('scales bars to the largest value and aligns labels and values', () => {
  const out = barLines(
    [
      { label: 'a', value: 10 },
      { label: 'bbb', value: 5 },
      { label: 'cc', value: 0 },
    ],
    18,
  );
  // 18 − label 3 − value 2 − 2 spaces = 11 cells; 5 of 10 is 5.5, rounded to 6.
  assert.equal(out, [
    { label: '  a', bar: '███████████', value: '10' },
    { label: 'bbb', bar: '██████     ', value: ' 5' },
    { label: ' cc', bar: '           ', value: ' 0' },
  ]);
});

bars('gives a small non-zero value one visible cell', () => {
  const out = barLines(
    [
      { label: 'x', value: 1000 },
      { label: 'y', value: 1 },
    ],
    14,
  );
  assert.is(out[1]?.bar.trim(), '█');
});

histogram.run();
throughput.run();
columns.run();
bars.run();
