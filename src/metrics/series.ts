/**
 * A percentile series (DESIGN §4.4): exact while it holds ≤ `EXACT_LIMIT` samples, a DDSketch with
 * 1% relative accuracy past that, so memory stays bounded however long a run gets.
 *
 * Exact mode keeps the samples and answers with `calculatePercentile` semantics. Adding is O(1)
 * amortised: samples are only sorted when a percentile is asked for, and only when something
 * arrived out of order since the last sort (a dirty flag). The 4,097th sample moves every sample
 * into a sketch and drops the array. Count, sum, min and max stay exact in both modes.
 *
 * A series is for durations: negative, NaN and infinite values are ignored and counted in
 * `rejected`, in both modes alike, so switching modes never changes which values count.
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { describeErrors } from '../codecs/snakeCase';
import { DDSketch, DDSketchJson, DEFAULT_ALPHA, isCount, SketchFormatError } from './ddsketch';
import { percentileOfSorted } from './percentile';
import type { PercentileMethod } from './types';

/** Samples kept exactly; one more and the series becomes a sketch. */
export const EXACT_LIMIT = 4096;

const Stats = {
  count: t.number,
  sum: t.number,
  min: t.union([t.number, t.null]),
  max: t.union([t.number, t.null]),
  rejected: t.number,
};

/** The JSON form (checkpoints): exact series store their samples (sorted), others their sketch. */
export const SeriesJson = t.union([
  t.type({ method: t.literal('exact'), ...Stats, samples: t.array(t.number) }),
  t.type({ method: t.literal('ddsketch'), ...Stats, sketch: DDSketchJson }),
]);
export type SeriesJson = t.TypeOf<typeof SeriesJson>;

/** A series JSON that does not decode or does not add up. */
export class SeriesFormatError extends Error {
  override readonly name = 'SeriesFormatError';
}

export class Series {
  /** Exact mode: samples in `buf[0..n)`; null once the series is a sketch. */
  private buf: Float64Array | null = new Float64Array(8);
  /** Whether `buf[0..n)` is known to be sorted ascending. */
  private sorted = true;
  private sketch: DDSketch | null = null;
  private n = 0;
  private total = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private rejectedOf = 0;

  get count(): number { return this.n; }
  get sum(): number { return this.total; }
  /** Smallest value; null when empty. */
  get min(): number | null { return this.n === 0 ? null : this.lo; }
  /** Largest value; null when empty. */
  get max(): number | null { return this.n === 0 ? null : this.hi; }
  /** Values ignored because they were negative, NaN or infinite. */
  get rejected(): number { return this.rejectedOf; }
  get method(): PercentileMethod { return this.sketch === null ? 'exact' : 'ddsketch'; }

  /** Adds a non-negative finite value; anything else is ignored and counted in `rejected`. */
  add(v: number): void {
    if (!(v >= 0 && v < Infinity)) {
      this.rejectedOf++;
      return;
    }
    const n = this.n;
    this.n = n + 1;
    this.total += v;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    const buf = this.buf;
    if (buf === null) {
      (this.sketch as DDSketch).add(v);
    } else if (n < EXACT_LIMIT) {
      // Durations mostly arrive in rising order within a level; then no sort is ever needed.
      if (n > 0 && v < buf[n - 1]!) this.sorted = false;
      (n < buf.length ? buf : this.widen())[n] = v;
    } else {
      this.toSketch(n).add(v);
    }
  }

  /** Mean of the values; 0 when empty (the seed's `avg` default is 0.0). */
  mean(): number {
    return this.n === 0 ? 0 : this.total / this.n;
  }

  /**
   * The p-th percentile (0 ≤ p ≤ 100) as an integer truncated toward zero; 0 when empty. Exact
   * (`calculatePercentile`) up to `EXACT_LIMIT` samples, else within 1% of the true value.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
    if (this.n === 0) return 0;
    if (this.sketch !== null) {
      const q = Math.trunc(this.sketch.quantile(p / 100) ?? 0);
      return q === 0 ? 0 : q;
    }
    return percentileOfSorted(this.sortedSamples(), p);
  }

  /**
   * Adds `other` into this series: the result is what adding all of its values would give — exact
   * while the total stays ≤ `EXACT_LIMIT`, else a sketch (sketches merge exactly, bin for bin).
   */
  merge(other: Series): void {
    if (other === this) other = this.clone();
    this.rejectedOf += other.rejectedOf;
    if (other.n === 0) return;
    const n = this.n;
    this.n = n + other.n;
    this.total += other.total;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
    if (this.buf !== null && other.buf !== null && this.n <= EXACT_LIMIT) {
      const need = this.n;
      let buf = this.buf;
      if (buf.length < need) buf = this.widen(need);
      buf.set(other.buf.subarray(0, other.n), n);
      this.sorted = false;
      return;
    }
    const sketch = this.buf !== null ? this.toSketch(n) : (this.sketch as DDSketch);
    if (other.sketch !== null) sketch.merge(other.sketch);
    else for (let i = 0; i < other.n; i++) sketch.add((other.buf as Float64Array)[i]!);
  }

  /** A copy that shares nothing with this series. */
  clone(): Series {
    const c = new Series();
    c.n = this.n;
    c.total = this.total;
    c.lo = this.lo;
    c.hi = this.hi;
    c.rejectedOf = this.rejectedOf;
    c.sorted = this.sorted;
    c.buf = this.buf === null ? null : this.buf.slice();
    c.sketch = this.sketch === null ? null : this.sketch.clone();
    return c;
  }

  /** Canonical JSON: two exact series holding the same values give the same JSON. */
  toJSON(): SeriesJson {
    const stats = { count: this.n, sum: this.total, min: this.min, max: this.max, rejected: this.rejectedOf };
    if (this.sketch !== null) return { method: 'ddsketch', ...stats, sketch: this.sketch.toJSON() };
    return { method: 'exact', ...stats, samples: Array.from(this.sortedSamples()) };
  }

  /**
   * Reads `toJSON` output back. Throws `SeriesFormatError` (a one-line reason) when the input does
   * not decode or is inconsistent, so a corrupt checkpoint is reported rather than half-read.
   */
  static fromJSON(json: unknown): Series {
    const decoded = SeriesJson.decode(json);
    if (!isRight(decoded)) throw new SeriesFormatError(`invalid series JSON: ${describeErrors(decoded.left)}`);
    const j = decoded.right;
    const fail = (why: string): never => {
      throw new SeriesFormatError(`invalid series JSON: ${why}`);
    };
    if (!isCount(j.count)) fail(`count ${j.count} is not a non-negative integer`);
    if (!isCount(j.rejected)) fail(`rejected ${j.rejected} is not a non-negative integer`);
    if (!(Number.isFinite(j.sum) && j.sum >= 0)) fail(`sum ${j.sum} is not a non-negative number`);
    const s = new Series();
    s.n = j.count;
    s.total = j.sum;
    s.rejectedOf = j.rejected;
    let min: number | null;
    let max: number | null;
    if (j.method === 'exact') {
      if (j.samples.length !== j.count) fail(`${j.samples.length} samples for count ${j.count}`);
      if (j.count > EXACT_LIMIT) fail(`${j.count} exact samples, more than ${EXACT_LIMIT}`);
      const buf = new Float64Array(Math.max(8, j.count));
      j.samples.forEach((v, i) => {
        if (!(v >= 0 && v < Infinity)) fail(`sample ${v} is not a non-negative number`);
        buf[i] = v;
      });
      buf.subarray(0, j.count).sort();
      s.buf = buf;
      s.sorted = true;
      min = j.count === 0 ? null : buf[0]!;
      max = j.count === 0 ? null : buf[j.count - 1]!;
    } else {
      let sketch: DDSketch;
      try {
        sketch = DDSketch.fromJSON(j.sketch);
      } catch (e) {
        throw e instanceof SketchFormatError ? new SeriesFormatError(e.message) : e;
      }
      if (sketch.alpha !== DEFAULT_ALPHA) fail(`sketch accuracy ${sketch.alpha}, expected ${DEFAULT_ALPHA}`);
      if (sketch.count !== j.count) fail(`sketch holds ${sketch.count} values for count ${j.count}`);
      if (j.count <= EXACT_LIMIT) fail(`a sketch of ${j.count} values, which should be exact`);
      s.buf = null;
      s.sketch = sketch;
      min = sketch.min;
      max = sketch.max;
    }
    if (j.min !== min || j.max !== max) fail(`min/max ${j.min}/${j.max} do not match the values (${min}/${max})`);
    if (min !== null && max !== null) {
      s.lo = min;
      s.hi = max;
    }
    return s;
  }

  /** The exact samples, sorted (in place, once per batch of out-of-order additions). */
  private sortedSamples(): Float64Array {
    const samples = (this.buf as Float64Array).subarray(0, this.n);
    if (!this.sorted) {
      samples.sort();
      this.sorted = true;
    }
    return samples;
  }

  /** Doubles the sample buffer (at least to `need`, at most to `EXACT_LIMIT`). */
  private widen(need: number = this.n): Float64Array {
    const old = this.buf as Float64Array;
    const next = new Float64Array(Math.min(EXACT_LIMIT, Math.max(need, old.length * 2)));
    next.set(old.subarray(0, Math.min(old.length, next.length)));
    this.buf = next;
    return next;
  }

  /** Moves the first `held` samples into a new sketch and drops the array. */
  private toSketch(held: number): DDSketch {
    const sketch = new DDSketch(DEFAULT_ALPHA);
    const buf = this.buf as Float64Array;
    for (let i = 0; i < held; i++) sketch.add(buf[i]!);
    this.buf = null;
    this.sketch = sketch;
    this.sorted = false;
    return sketch;
  }
}

