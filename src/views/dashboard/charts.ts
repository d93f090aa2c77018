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
export function throughputSeries(completions: readonly number[], startMs: number, endMs: number, maxPoints: number): ThroughputSeries {
  const span = Math.max(1, endMs - startMs);
  const limit = Math.max(2, maxPoints);
  const bucketMs = pickStep((s) => s >= SECOND && Math.ceil(span / s) <= limit);
  const n = Math.max(2, Math.ceil(span / bucketMs));
  const counts = new Array<number>(n).fill(0);
  for (const at of completions) {
    if (!Number.isFinite(at) || at > endMs) continue;
    const i = Math.max(0, Math.min(n - 1, Math.floor((at - startMs) / bucketMs)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
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
