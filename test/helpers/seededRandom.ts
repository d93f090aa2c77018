/**
 * Seeded pseudo-random numbers for tests and benches (never `Math.random`): mulberry32, plus the
 * few distributions the metrics tests draw durations from.
 */

/** A generator of uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log(0) would be −∞
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A lognormal draw: exp(mu + sigma·N(0,1)). */
export function lognormal(rand: () => number, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rand));
}
