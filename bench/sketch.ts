/**
 * Percentile series benchmark: DDSketch inserts/s, Series.add throughput in both modes, the cost
 * of asking for a percentile, and the JSON size of a series past 4,096 samples.
 *
 * `benchSketch()` returns the figures (for `bench/index.ts`); `npx tsx bench/sketch.ts` prints them.
 * Values come from a seeded PRNG and are generated before timing starts, so only the sketch is timed.
 */
import { DDSketch } from '../src/metrics/ddsketch';
import { EXACT_LIMIT, Series } from '../src/metrics/series';
import { lognormal, mulberry32 } from '../test/helpers/seededRandom';

export interface SketchBenchFigures {
  /** DDSketch.add calls per second over `sketchValues` lognormal durations. */
  readonly sketchInsertsPerSec: number;
  readonly sketchValues: number;
  /** Series.add per second while series stay exact (many series of ≤ 4,096 samples). */
  readonly seriesExactAddsPerSec: number;
  /** Series.add per second into one series past the limit (the sketch path). */
  readonly seriesSketchAddsPerSec: number;
  /** Nanoseconds for p50+p95+p99 of an exact series of 4,096 samples just after an addition (sort included). */
  readonly exactPercentilesNs: number;
  /** Nanoseconds for p50+p95+p99 of a sketch series. */
  readonly sketchPercentilesNs: number;
  /** JSON bytes of one series, by number of samples and distribution. */
  readonly jsonBytes: ReadonlyArray<{ readonly samples: number; readonly distribution: string; readonly bytes: number }>;
}

export interface SketchBenchOptions {
  /** Values inserted into the sketch (default 10M). */
  readonly values?: number;
  readonly seed?: number;
}

const lognormalDurations = (rand: () => number): number => Math.round(lognormal(rand, Math.log(2000), 1));
const logUniform1msTo10h = (rand: () => number): number => Math.round(Math.exp(rand() * Math.log(36_000_000)));

function generate(n: number, seed: number, gen: (rand: () => number) => number): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = gen(rand);
  return out;
}

/** Timed loops run this often and report their best: other processes share the machine. */
const REPEATS = 3;

function bestOf(repeats: number, f: () => void): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) best = Math.min(best, time(f));
  return best;
}

/** Seconds taken by `f`. */
function time(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchSketch(options: SketchBenchOptions = {}): SketchBenchFigures {
  const n = options.values ?? 10_000_000;
  const seed = options.seed ?? 1;
  const values = generate(n, seed, lognormalDurations);

  // Warm-up so the timed loops run optimised code.
  const warm = new DDSketch();
  for (let i = 0; i < Math.min(n, 200_000); i++) warm.add(values[i]!);

  const sketchSec = bestOf(REPEATS, () => {
    const sketch = new DDSketch();
    for (let i = 0; i < n; i++) sketch.add(values[i]!);
  });

  // Exact mode: fill fresh series to the limit, one after another.
  const exactAdds = Math.min(n, 4_096_000);
  const exactSec = bestOf(REPEATS, () => {
    let s = new Series();
    for (let i = 0; i < exactAdds; i++) {
      if (s.count === EXACT_LIMIT) s = new Series();
      s.add(values[i]!);
    }
  });

  let big = new Series();
  const seriesSec = bestOf(REPEATS, () => {
    big = new Series();
    for (let i = 0; i < n; i++) big.add(values[i]!);
  });

  const exactPercentilesNs = timePercentiles(() => {
    const s = new Series();
    for (let i = 0; i < EXACT_LIMIT; i++) s.add(values[i]!);
    return s;
  }, true);
  const sketchPercentilesNs = timePercentiles(() => big, false);

  const jsonBytes: Array<{ samples: number; distribution: string; bytes: number }> = [];
  for (const [distribution, gen] of [
    ['lognormal, median 2 s', lognormalDurations],
    ['log-uniform 1 ms .. 10 h', logUniform1msTo10h],
  ] as const) {
    for (const samples of [EXACT_LIMIT, EXACT_LIMIT + 1, 100_000, n]) {
      const data = samples <= n && gen === lognormalDurations ? values.subarray(0, samples) : generate(samples, seed + 1, gen);
      const s = new Series();
      for (let i = 0; i < data.length; i++) s.add(data[i]!);
      jsonBytes.push({ samples, distribution, bytes: Buffer.byteLength(JSON.stringify(s)) });
    }
  }

  return {
    sketchInsertsPerSec: n / sketchSec,
    sketchValues: n,
    seriesExactAddsPerSec: exactAdds / exactSec,
    seriesSketchAddsPerSec: n / seriesSec,
    exactPercentilesNs,
    sketchPercentilesNs,
    jsonBytes,
  };
}

/**
 * Mean ns for p50+p95+p99. For an exact series, one addition before each query makes it re-sort,
 * the worst case (a snapshot after every event).
 */
function timePercentiles(make: () => Series, dirty: boolean): number {
  const rounds = dirty ? 200 : 100_000;
  const s = dirty ? null : make();
  let sink = 0;
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    if (dirty) {
      const fresh = make();
      fresh.add(0); // out of order: the next query sorts
      total += time(() => {
        sink += fresh.percentile(50) + fresh.percentile(95) + fresh.percentile(99);
      });
    } else {
      total += time(() => {
        sink += s!.percentile(50) + s!.percentile(95) + s!.percentile(99);
      });
    }
  }
  if (sink < 0) console.log(sink); // keeps the work from being optimised away
  return (total / rounds) * 1e9;
}

export function formatSketchFigures(f: SketchBenchFigures): string {
  const rate = (x: number): string => `${(x / 1e6).toFixed(1)} M/s`;
  const rows: Array<[string, string]> = [
    [`DDSketch.add (${(f.sketchValues / 1e6).toFixed(0)}M lognormal values)`, rate(f.sketchInsertsPerSec)],
    ['Series.add, exact (≤ 4,096 samples)', rate(f.seriesExactAddsPerSec)],
    ['Series.add, past 4,096 (sketch)', rate(f.seriesSketchAddsPerSec)],
    ['p50+p95+p99, exact 4,096 samples, unsorted', `${(f.exactPercentilesNs / 1000).toFixed(1)} µs`],
    ['p50+p95+p99, sketch', `${Math.round(f.sketchPercentilesNs)} ns`],
    ...f.jsonBytes.map((j): [string, string] => [`series JSON, ${j.samples.toLocaleString('en-US')} samples, ${j.distribution}`, `${j.bytes.toLocaleString('en-US')} B`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v.padStart(12)}`).join('\n');
}

if (require.main === module) {
  console.log(formatSketchFigures(benchSketch()));
}
