/** Comparing the product's figures with a reference's: every figure the reference states, by path. */

/** Figures that are fractions (means, rates, ratios): equal up to float rounding of another summation order. */
const FRACTIONAL = new Set(['avgTaskDurationMs', 'throughputPerHour', 'progress', 'utilization', 'parallelEfficiency']);

function sameFigure(key: string, actual: unknown, expected: unknown): boolean {
  if (FRACTIONAL.has(key) && typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

/** Every figure of `expected` that `actual` gets wrong, as `path: actual ≠ expected`. */
export function differences(actual: Record<string, unknown>, expected: Record<string, unknown>, at = ''): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (Array.isArray(want)) {
      if (!Array.isArray(got) || got.length !== want.length) {
        out.push(`${at}${key}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
        continue;
      }
      want.forEach((item, i) => out.push(...differences(got[i] as Record<string, unknown>, item as Record<string, unknown>, `${at}${key}[${i}].`)));
    } else if (typeof want === 'object' && want !== null) {
      if (typeof got !== 'object' || got === null) out.push(`${at}${key}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
      else out.push(...differences(got as Record<string, unknown>, want as Record<string, unknown>, `${at}${key}.`));
    } else if (!sameFigure(key, got, want)) out.push(`${at}${key}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  }
  return out;
}
