/**
 * DDSketch (Masson, Rim & Lee, VLDB 2019): a quantile sketch with relative accuracy α — every
 * quantile it returns is within α·x of the true value x — that merges exactly, so per-worker
 * sketches add up to the level's and the feature's sketch bin for bin (DESIGN §4.4).
 *
 * Values are bucketed by a logarithmic mapping: bin i holds (γ^(i−1), γ^i] with γ = (1+α)/(1−α),
 * and reports 2γ^i/(γ+1), within α of anything in the bin. The bins are one dense Float64Array
 * with an offset (the index of its first slot) that grows as needed; durations from 1 ms to 10 h
 * span ~870 bins. Count, sum, min and max are kept exactly beside the bins.
 *
 * The sketch is for durations, so it takes non-negative finite values only: a negative, NaN or
 * infinite value is ignored and counted in `rejected` (the reducer counts negative durations as
 * anomalies before they get here). Values below `MIN_INDEXABLE` (including 0) share a zero bin.
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { describeErrors } from '../codecs/snakeCase';

export const DEFAULT_ALPHA = 0.01;
/** Smaller values (0 included) go to the zero bin: a nanosecond is nothing when the unit is a ms. */
const MIN_INDEXABLE = 1e-9;
/** Free slots added beyond a needed index when the bins grow, so growth is rare. */
const GROWTH_SLACK = 64;

/** The JSON form: snake_case; `bins` are counts from index `offset` on, where −k is k empty bins. */
export const DDSketchJson = t.type({
  alpha: t.number,
  count: t.number,
  sum: t.number,
  min: t.union([t.number, t.null]),
  max: t.union([t.number, t.null]),
  zero_count: t.number,
  rejected: t.number,
  offset: t.number,
  bins: t.array(t.number),
});
export type DDSketchJson = t.TypeOf<typeof DDSketchJson>;

/** A sketch JSON that does not decode or is inconsistent (a corrupt checkpoint, not a bug). */
export class SketchFormatError extends Error {
  override readonly name = 'SketchFormatError';
}

export class DDSketch {
  readonly alpha: number;
  private readonly gamma: number;
  /** 1 / ln γ: index = ⌈ln v · multiplier⌉. */
  private readonly multiplier: number;
  private bins = new Float64Array(0);
  /** Index of `bins[0]`. */
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private sumOf = 0;
  private minOf = Infinity;
  private maxOf = -Infinity;
  private rejectedOf = 0;

  constructor(alpha: number = DEFAULT_ALPHA) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`DDSketch relative accuracy must be within (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.multiplier = 1 / Math.log(this.gamma);
  }

  get count(): number { return this.total; }
  get sum(): number { return this.sumOf; }
  /** Exact smallest value added; null when empty. */
  get min(): number | null { return this.total === 0 ? null : this.minOf; }
  /** Exact largest value added; null when empty. */
  get max(): number | null { return this.total === 0 ? null : this.maxOf; }
  /** Values ignored by `add` because they were negative, NaN or infinite. */
  get rejected(): number { return this.rejectedOf; }

  /** Adds one non-negative finite value; anything else is ignored and counted in `rejected`. */
  add(v: number): void {
    if (!(v >= 0 && v < Infinity)) {
      this.rejectedOf++;
      return;
    }
    if (v < MIN_INDEXABLE) {
      this.zeroCount++;
    } else {
      const i = Math.ceil(Math.log(v) * this.multiplier);
      const slot = i - this.offset;
      if (slot < 0 || slot >= this.bins.length) this.grow(i, i);
      this.bins[i - this.offset]!++;
    }
    this.total++;
    this.sumOf += v;
    if (v < this.minOf) this.minOf = v;
    if (v > this.maxOf) this.maxOf = v;
  }

  /** Adds `other` into this sketch, bin for bin; the result is the sketch of both inputs. */
  merge(other: DDSketch): void {
    if (other.alpha !== this.alpha) throw new Error(`cannot merge DDSketches of different accuracy (${this.alpha} and ${other.alpha})`);
    const src = other === this ? other.bins.slice() : other.bins;
    const first = firstNonZero(src);
    if (first >= 0) {
      const last = lastNonZero(src);
      this.grow(other.offset + first, other.offset + last);
      for (let s = first; s <= last; s++) this.bins[other.offset + s - this.offset]! += src[s]!;
    }
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    this.sumOf += other.sumOf;
    this.rejectedOf += other.rejectedOf;
    if (other.minOf < this.minOf) this.minOf = other.minOf;
    if (other.maxOf > this.maxOf) this.maxOf = other.maxOf;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1), null when empty: the value of the bin holding the item of rank
   * ⌊q·(n−1)⌋ (the standard lower-rank estimate), clamped to the exact [min, max]; q = 0 and
   * q = 1 give the exact min and max.
   */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
    if (this.total === 0) return null;
    const rank = q * (this.total - 1);
    // The extreme ranks are known exactly.
    if (rank === 0) return this.minOf;
    if (rank >= this.total - 1) return this.maxOf;
    let estimate = 0;
    if (rank >= this.zeroCount) {
      const slot = rank < (this.total + this.zeroCount) / 2 ? this.slotFromBelow(rank) : this.slotFromAbove(rank);
      estimate = (2 * Math.pow(this.gamma, slot + this.offset)) / (this.gamma + 1);
    }
    return Math.min(Math.max(estimate, this.minOf), this.maxOf);
  }

  // The slot holding the item of a rank is the first whose cumulative count exceeds the rank.
  // Counts are whole numbers, so scanning from the nearer end finds the same slot in fewer steps
  // (p95 and p99 sit near the top).
  private slotFromBelow(rank: number): number {
    const bins = this.bins;
    let running = this.zeroCount;
    for (let s = 0; s < bins.length; s++) {
      running += bins[s]!;
      if (running > rank) return s;
    }
    return bins.length - 1;
  }

  private slotFromAbove(rank: number): number {
    const bins = this.bins;
    let running = this.total; // the cumulative count up to and including slot s
    for (let s = bins.length - 1; s > 0; s--) {
      running -= bins[s]!;
      if (running <= rank) return s;
    }
    return 0;
  }

  /** A copy that shares nothing with this sketch. */
  clone(): DDSketch {
    const c = new DDSketch(this.alpha);
    c.merge(this);
    return c;
  }

  /** Compact, canonical JSON: empty bins trimmed at both ends, runs of empty bins inside as −k. */
  toJSON(): DDSketchJson {
    const first = firstNonZero(this.bins);
    const bins: number[] = [];
    if (first >= 0) {
      const last = lastNonZero(this.bins);
      let zeros = 0;
      for (let s = first; s <= last; s++) {
        const c = this.bins[s]!;
        if (c === 0) {
          zeros++;
          continue;
        }
        if (zeros > 0) bins.push(zeros === 1 ? 0 : -zeros);
        zeros = 0;
        bins.push(c);
      }
    }
    return {
      alpha: this.alpha,
      count: this.total,
      sum: this.sumOf,
      min: this.min,
      max: this.max,
      zero_count: this.zeroCount,
      rejected: this.rejectedOf,
      offset: first >= 0 ? this.offset + first : 0,
      bins,
    };
  }

  /**
   * Reads `toJSON` output back. Throws `SketchFormatError` (a one-line reason) when the input does
   * not decode or does not add up, so a corrupt checkpoint is reported, never silently half-read.
   */
  static fromJSON(json: unknown): DDSketch {
    const decoded = DDSketchJson.decode(json);
    if (!isRight(decoded)) throw new SketchFormatError(`invalid sketch JSON: ${describeErrors(decoded.left)}`);
    const j = decoded.right;
    const fail = (why: string): never => {
      throw new SketchFormatError(`invalid sketch JSON: ${why}`);
    };
    if (!(j.alpha > 0 && j.alpha < 1)) fail(`alpha ${j.alpha} not within (0, 1)`);
    for (const [k, v] of [['count', j.count], ['zero_count', j.zero_count], ['rejected', j.rejected]] as const) {
      if (!isCount(v)) fail(`${k} ${v} is not a non-negative integer`);
    }
    // The mapping cannot produce indexes outside [index(MIN_INDEXABLE), index(Number.MAX_VALUE)],
    // which also bounds what a hostile file can make us allocate.
    const s = new DDSketch(j.alpha);
    const lowest = s.indexOf(MIN_INDEXABLE);
    const highest = s.indexOf(Number.MAX_VALUE);
    if (!Number.isSafeInteger(j.offset) || j.offset < lowest) fail(`offset ${j.offset} is not an integer ≥ ${lowest}`);
    const counts: number[] = [];
    for (const b of j.bins) {
      if (b < 0) {
        if (!Number.isSafeInteger(b) || j.offset + counts.length - b > highest + 1) fail(`bad run of empty bins ${b}`);
        for (let k = 0; k < -b; k++) counts.push(0);
      } else if (isCount(b)) {
        counts.push(b);
      } else {
        fail(`bin count ${b} is not a non-negative integer`);
      }
    }
    if (j.offset + counts.length > highest + 1) fail(`bins reach past index ${highest}`);
    const binTotal = counts.reduce((a, b) => a + b, 0);
    if (binTotal + j.zero_count !== j.count) fail(`bins and zero_count add up to ${binTotal + j.zero_count}, count is ${j.count}`);
    if (j.count === 0) {
      if (j.min !== null || j.max !== null || j.sum !== 0) fail('an empty sketch has min/max/sum');
    } else if (j.min === null || j.max === null || !(j.min >= 0 && j.min <= j.max && Number.isFinite(j.max))) {
      fail(`min ${j.min} / max ${j.max} inconsistent`);
    }
    if (!(Number.isFinite(j.sum) && j.sum >= 0)) fail(`sum ${j.sum} is not a non-negative number`);
    s.bins = Float64Array.from(counts);
    s.offset = j.offset;
    s.zeroCount = j.zero_count;
    s.total = j.count;
    s.sumOf = j.sum;
    s.rejectedOf = j.rejected;
    if (j.count > 0) {
      s.minOf = j.min as number;
      s.maxOf = j.max as number;
    }
    return s;
  }

  /** The bin index of a value ≥ MIN_INDEXABLE. */
  private indexOf(v: number): number {
    return Math.ceil(Math.log(v) * this.multiplier);
  }

  /** Makes the bins cover indexes lo..hi, reallocating with slack on the side that grew. */
  private grow(lo: number, hi: number): void {
    const len = this.bins.length;
    if (len === 0) {
      this.bins = new Float64Array(hi - lo + 1 + 2 * GROWTH_SLACK);
      this.offset = lo - GROWTH_SLACK;
      return;
    }
    const end = this.offset + len;
    if (lo >= this.offset && hi < end) return;
    // Slack proportional to the current size keeps a slowly widening range from reallocating often.
    const slack = Math.max(GROWTH_SLACK, len >> 1);
    const from = lo < this.offset ? lo - slack : this.offset;
    const to = hi >= end ? hi + 1 + slack : end;
    const next = new Float64Array(to - from);
    next.set(this.bins, this.offset - from);
    this.bins = next;
    this.offset = from;
  }
}

/** A count: a non-negative safe integer. */
export const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;

function firstNonZero(a: Float64Array): number {
  for (let s = 0; s < a.length; s++) if (a[s] !== 0) return s;
  return -1;
}

function lastNonZero(a: Float64Array): number {
  for (let s = a.length - 1; s >= 0; s--) if (a[s] !== 0) return s;
  return -1;
}
