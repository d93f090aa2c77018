/**
 * `calculatePercentile` (DESIGN §4.1): the seed's `calculate_percentile(values, percentile)`.
 *
 * Sort, take the fractional index `p/100 × (n−1)`, interpolate linearly between its two
 * neighbours, truncate toward zero. `[]` gives 0. So p50 of [10,20,30,40] = 25, p95 of
 * [10,20,30,40,50] = 48, p50 of [1,2] = 1, and [42] gives 42 at any p.
 */

/** The p-th percentile (0 ≤ p ≤ 100) of `values`, an integer; `values` is not modified. */
export function calculatePercentile(values: readonly number[], p: number): number {
  checkPercent(p);
  if (values.length === 0) return 0;
  // Numeric sort: the default sort compares strings, which puts 100 before 20.
  const sorted = Float64Array.from(values).sort();
  return percentileOfSorted(sorted, p);
}

/**
 * `calculatePercentile` over values already sorted ascending (not checked), for callers that keep
 * a sorted array and ask for several percentiles of it.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  checkPercent(p);
  const n = sorted.length;
  if (n === 0) return 0;
  // The index is p × (n−1) / 100, split into whole part and remainder before dividing, so that an
  // integer p gives an exact fraction (r / 100) rather than 3.8 − 3 = 0.7999999999999998.
  const scaled = p * (n - 1);
  const lower = Math.min(Math.floor(scaled / 100), n - 1);
  const upper = Math.min(lower + 1, n - 1);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  const value = lo + ((hi - lo) * (scaled - lower * 100)) / 100;
  return truncate(value);
}

/**
 * Truncation toward zero that ignores binary noise: a value within a few ulps of an integer is that
 * integer (47.99999999999999 → 48), so float error never costs a whole millisecond.
 */
function truncate(value: number): number {
  const nearest = Math.round(value);
  const t = Math.abs(value - nearest) <= Math.abs(nearest) * 1e-12 + 1e-9 ? nearest : Math.trunc(value);
  return t === 0 ? 0 : t;
}

function checkPercent(p: number): void {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
}
