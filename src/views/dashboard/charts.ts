/**
 * The numbers behind the dashboard's charts, as plain data: a histogram of task durations, task
 * completions per time bucket, and horizontal text bars. Pure. Bars are drawn with characters, so
 * they stay visible without colour (NO_COLOR).
 */
import { BAR_FULL, formatDuration } from '../format';
import { formatWholeSeconds } from './time';

export interface Bucket {
  /** Inclusive lower bound, ms. */
  readonly fromMs: number;
  /** Exclusive upper bound, ms (the last bucket also holds its bound). */
  readonly toMs: number;
  readonly count: number;
  readonly label: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Bucket widths people read easily: 1-2-5 below a second, clock-like steps above. */
const STEPS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR,
];

/** The smallest step of the ladder for which `fits(step)` holds (else a multiple of a day). */
function pickStep(fits: (step: number) => boolean): number {
  for (const step of STEPS) if (fits(step)) return step;
  let step = 24 * HOUR;
  while (!fits(step)) step *= 2;
  return step;
}

/**
 * Task durations in at most `maxBuckets` buckets of a readable width. No durations, no buckets;
 * all equal, one bucket.
 */
export function durationHistogram(durations: readonly number[], maxBuckets: number): Bucket[] {
  const values = durations.filter((d) => Number.isFinite(d) && d >= 0);
  if (values.length === 0 || maxBuckets < 1) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return [{ fromMs: min, toMs: min, count: values.length, label: formatDuration(min) }];
  const bucketsFor = (step: number): number => Math.floor(max / step) - Math.floor(min / step) + 1;
  const step = pickStep((s) => bucketsFor(s) <= maxBuckets);
  const lo = Math.floor(min / step) * step;
  const counts = new Array<number>(bucketsFor(step)).fill(0);
  for (const v of values) {
    const i = Math.min(counts.length - 1, Math.floor((v - lo) / step));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => {
    const fromMs = lo + i * step;
    const toMs = fromMs + step;
    return { fromMs, toMs, count, label: `${formatDuration(fromMs)}–${formatDuration(toMs)}` };
  });
}

export interface ThroughputSeries {
  /** Width of a bucket, ms. */
  readonly bucketMs: number;
  /** Time since the start of each bucket (`0s`, `30s`, `1m`, ...). */
  readonly labels: readonly string[];
  /** Tasks completed in each bucket. */
  readonly counts: readonly number[];
}

/**
 * Completions per time bucket from `startMs` to `endMs`, in at most `maxPoints` buckets (at least
 * two, so there is a line to draw). A completion stamped before the start counts in the first.
 */
export function throughputSeries(completions: ArrayLike<number>, startMs: number, endMs: number, maxPoints: number): ThroughputSeries {
  const span = Math.max(1, endMs - startMs);
  const limit = Math.max(2, maxPoints);
  const bucketMs = pickStep((s) => s >= SECOND && Math.ceil(span / s) <= limit);
  const n = Math.max(2, Math.ceil(span / bucketMs));
  const tally = new Float64Array(n);
  // An index loop: a long run counts 200,000 completions every frame.
  for (let k = 0; k < completions.length; k++) {
    const at = completions[k] as number;
    if (!Number.isFinite(at) || at > endMs) continue;
    const i = Math.max(0, Math.min(n - 1, Math.floor((at - startMs) / bucketMs)));
    tally[i] = (tally[i] as number) + 1;
  }
  const counts = Array.from(tally);
  return { bucketMs, labels: counts.map((_, i) => formatWholeSeconds(i * bucketMs)), counts };
}

export interface BarLine {
  readonly label: string;
  readonly bar: string;
  readonly value: string;
}

/**
 * Horizontal bars scaled to the largest value, fitting `width` columns with their labels and
 * values right-aligned beside them. A non-zero value always gets at least one cell.
 */
export function barLines(items: readonly { readonly label: string; readonly value: number }[], width: number): BarLine[] {
  if (items.length === 0) return [];
  const labelWidth = Math.max(...items.map((i) => i.label.length));
  const values = items.map((i) => String(i.value));
  const valueWidth = Math.max(...values.map((v) => v.length));
  const barWidth = Math.max(1, width - labelWidth - valueWidth - 2);
  const max = Math.max(...items.map((i) => i.value));
  return items.map((item, k) => {
    const cells = max > 0 ? Math.max(item.value > 0 ? 1 : 0, Math.round((item.value / max) * barWidth)) : 0;
    return {
      label: item.label.padStart(labelWidth),
      bar: BAR_FULL.repeat(cells).padEnd(barWidth),
      value: (values[k] ?? '').padStart(valueWidth),
    };
  });
}

/** Eighths of a cell, from empty to full: a column's top cell shows its height to an eighth of a row. */
const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface ColumnChart {
  /** Plot rows, top first: the y label (`max` at the top, `0` at the bottom) and the columns. */
  readonly rows: readonly { readonly axis: string; readonly columns: string }[];
  /** Time labels under the first, middle and last columns, aligned to them. */
  readonly xAxis: string;
}

/**
 * Cells per bucket, at least: a column and the gap beside it, so that neighbours read as separate
 * counts. With few buckets the columns widen (up to `MAX_COLUMN_CELLS`) to use the panel.
 */
export const COLUMN_CELLS = 2;
const MAX_COLUMN_CELLS = 6;

/**
 * Whole counts as columns (a bar per bucket, never a line between points, which would draw a
 * count of one as a triangle), scaled so that the largest fills `height - 1` rows; the last row
 * holds the time labels. Pure text: it stays readable without colour.
 */
export function columnChart(counts: readonly number[], labels: readonly string[], width: number, height: number): ColumnChart {
  const plotRows = Math.max(1, height - 1);
  const max = Math.max(0, ...counts);
  const axisWidth = String(max).length;
  const plotWidth = Math.max(0, width - axisWidth - 1);
  const cells = Math.max(COLUMN_CELLS, Math.min(MAX_COLUMN_CELLS, Math.floor(plotWidth / Math.max(1, counts.length))));
  const eighthsOf = (count: number): number => (max === 0 ? 0 : Math.max(count > 0 ? 1 : 0, Math.round((count / max) * plotRows * 8)));
  const heights = counts.map(eighthsOf);
  const rows = Array.from({ length: plotRows }, (_, r) => {
    const floor = (plotRows - 1 - r) * 8;
    const columns = heights.map((h) => `${EIGHTHS[Math.max(0, Math.min(8, h - floor))]?.repeat(cells - 1)} `).join('');
    const label = r === 0 ? String(max) : r === plotRows - 1 ? '0' : '';
    return { axis: `${label.padStart(axisWidth)}│`, columns: columns.slice(0, plotWidth) };
  });
  return { rows, xAxis: timeAxis(labels, cells, axisWidth + 1, plotWidth) };
}

/** The labels of the first, middle and last buckets, each under its column, where they do not collide. */
function timeAxis(labels: readonly string[], step: number, indent: number, width: number): string {
  const cells = new Array<string>(width).fill(' ');
  const place = (i: number, alignRight: boolean): void => {
    const label = labels[i];
    if (label === undefined) return;
    const at = alignRight ? (i + 1) * step - 1 - label.length : i * step;
    if (at < 0 || at + label.length > width) return;
    // Keep a space on each side of a label already placed.
    for (let k = Math.max(0, at - 1); k < Math.min(width, at + label.length + 1); k++) if (cells[k] !== ' ') return;
    for (let k = 0; k < label.length; k++) cells[at + k] = label[k] as string;
  };
  place(0, false);
  place(labels.length - 1, true);
  place(Math.floor((labels.length - 1) / 2), false);
  return `${' '.repeat(indent)}${cells.join('').trimEnd()}`;
}
