import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { layoutFor, layoutMode, type Layout, type Rect } from '../../../src/views/dashboard/layout';

const mode = suite('layoutMode');

mode('is full from 100×30, compact below, too-small below 40×12', () => {
  const cases: readonly (readonly [number, number, string])[] = [
    [160, 48, 'full'],
    [100, 30, 'full'],
    [99, 30, 'compact'],
    [100, 29, 'compact'],
    [80, 24, 'compact'],
    [40, 12, 'compact'],
    [39, 12, 'too-small'],
    [40, 11, 'too-small'],
    [0, 0, 'too-small'],
  ];
  for (const [w, h, expected] of cases) assert.is(layoutMode(w, h), expected, `${w}×${h}`);
});

const layout = suite('layoutFor');

const panels = (l: Layout): Rect[] =>
  [l.header, l.levels, l.workers, l.durations, l.throughput, l.log, l.timeline, l.hint].filter((r): r is Rect => r !== null && r.width > 0 && r.height > 0);

const overlaps = (a: Rect, b: Rect): boolean =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

layout('tiles the whole terminal without overlaps in full and compact layouts', () => {
  for (const [w, h] of [[160, 48], [120, 40], [100, 30], [80, 24], [40, 12], [99, 60]] as const) {
    const l = layoutFor(w, h, { levels: 4, workers: 3 });
    const rects = panels(l);
    const area = rects.reduce((n, r) => n + r.width * r.height, 0);
    assert.is(area, w * h, `${w}×${h}: panels cover ${area} of ${w * h} cells`);
    for (const [i, a] of rects.entries()) {
      assert.ok(a.left >= 0 && a.top >= 0 && a.left + a.width <= w && a.top + a.height <= h, `${w}×${h}: panel ${i} out of bounds`);
      for (const b of rects.slice(i + 1)) assert.not.ok(overlaps(a, b), `${w}×${h}: panels overlap`);
    }
  }
});

layout('has charts and a log only in the full layout', () => {
  const full = layoutFor(120, 40);
  assert.ok(full.durations && full.throughput && full.log);
  assert.ok(full.bordered);
  const compact = layoutFor(80, 24);
  assert.equal([compact.durations, compact.throughput, compact.log], [null, null, null]);
  assert.not.ok(compact.bordered);
});

layout('gives compact levels only the rows they need, at most 40% of the body', () => {
  assert.is(layoutFor(80, 24, { levels: 2 }).levels.height, 3);
  assert.is(layoutFor(80, 24, { levels: 20 }).levels.height, Math.floor(21 * 0.4));
});

layout('gives full-layout tables the rows they hold, and the rest to the charts and the events log', () => {
  // 4 levels, 3 workers: a heading, four rows and a border above and below.
  const l = layoutFor(120, 40, { levels: 4, workers: 3 });
  assert.is(l.levels.height, 7);
  assert.is(l.workers.height, 7);
  // The log is as tall as the rest of the body but the task stream (3 workers, a footer, a box); the charts share it on the left.
  assert.is(l.timeline?.height, 6);
  assert.is(l.log?.height, 40 - 5 - 1 - 7 - 6);
  assert.is((l.durations?.height ?? 0) + (l.throughput?.height ?? 0), l.log?.height);
  // A bigger terminal gives the log the rows, not the tables.
  const big = layoutFor(200, 60, { levels: 4, workers: 3 });
  assert.is(big.levels.height, 7);
  assert.is(big.log?.height, 60 - 5 - 1 - 7 - 6);
  // Many workers: the tables scroll within 60% of the body, the charts keep their rows.
  const many = layoutFor(120, 40, { levels: 4, workers: 64 });
  assert.is(many.workers.height, Math.floor(34 * 0.6));
});

layout('gives the level table the columns its figures need, up to half the width', () => {
  assert.is(layoutFor(120, 40, { levelsWidth: 51 }).levels.width, 53);
  assert.is(layoutFor(100, 30, { levelsWidth: 70 }).levels.width, 50);
});

layout('gives the task stream a row per worker and its footer, from the charts’ share, never their last ten rows', () => {
  const full = layoutFor(120, 40, { levels: 4, workers: 3 });
  assert.is(full.timeline?.height, 3 + 1 + 2);
  assert.is(full.timeline?.top, (full.levels.top + full.levels.height));
  assert.is(full.durations?.top, (full.timeline?.top ?? 0) + (full.timeline?.height ?? 0));
  // 64 workers: the tables take 60% of the body, the charts keep ten rows, the stream gets the rest.
  assert.is(layoutFor(120, 40, { levels: 4, workers: 64 }).timeline?.height, 34 - 20 - 10);
  assert.is(layoutFor(80, 24, { levels: 2, workers: 3 }).timeline?.height, 3 + 1);
  assert.is(layoutFor(80, 19, { levels: 2, workers: 3 }).timeline, null);
});

layout('puts the key hint on the last row', () => {
  for (const [w, h] of [[120, 40], [80, 24], [30, 10]] as const) assert.equal(layoutFor(w, h).hint, { top: h - 1, left: 0, width: w, height: 1 });
});

mode.run();
layout.run();
