/**
 * The `seq`s seen per producer, exactly (DESIGN §4.3): how the dedupe recognises an event already
 * folded, and what a checkpoint stores so that a restart recognises it too.
 *
 * A producer numbers its events in the order it issues them, but they may arrive in another order
 * (two writer threads, a broker redelivering, logs merged from hosts): a seq below the highest seen
 * is new unless that very seq was seen. Each producer's seqs are kept as sorted, disjoint,
 * non-adjacent inclusive ranges, flat in one array (`[lo0, hi0, lo1, hi1, ...]`): a gap-free stream
 * is one range, so memory grows with the gaps still open, not with the events. The in-order case
 * (the next seq after the last range) extends that range in O(1), with no map lookup for the
 * producer seen last; any other seq is found by binary search.
 */

/** Ranges of seqs seen, by producer: `[[lo, hi], ...]`, inclusive, sorted. */
export type SeqRangesRecord = Record<string, [number, number][]>;

/**
 * Open gaps kept per producer. Past it the lowest gap is closed (its seqs taken as seen): a gap
 * that old is a seq its producer never issued, far more likely than a redelivery that late, and a
 * bound is needed so that a producer numbering with holes everywhere cannot grow memory without end.
 */
export const MAX_RANGES = 65_536;

export class SeenSeqs {
  private readonly byProducer: Map<string, number[]>;
  /**
   * The producer seen last and its ranges, at hand; `hi` is the end of its last range (NaN: none),
   * kept in a field while seqs come in order and written back (`flush`) before the ranges are read.
   */
  private producer: string | undefined;
  private ranges: number[] = [];
  private hi = Number.NaN;

  constructor(initial: Readonly<SeqRangesRecord> = {}) {
    this.byProducer = new Map();
    for (const [producer, ranges] of Object.entries(initial)) this.byProducer.set(producer, normalized(ranges));
  }

  /** The marks of an older checkpoint (`seq_hwm`: everything at or below a producer's mark was folded). */
  static fromHighWaterMarks(marks: Readonly<Record<string, number>>): SeenSeqs {
    const record: SeqRangesRecord = {};
    for (const [producer, hwm] of Object.entries(marks)) if (hwm >= 0) record[producer] = [[0, hwm]];
    return new SeenSeqs(record);
  }

  /** Notes `seq` of `producer`: true when it is new, false when that exact pair was seen. */
  note(producer: string, seq: number): boolean {
    if (producer !== this.producer) this.select(producer);
    // In order: the seq right after the last range.
    if (seq === this.hi + 1) {
      this.hi = seq;
      return true;
    }
    this.flush();
    const added = insert(this.ranges, seq);
    this.hi = this.ranges.length > 0 ? (this.ranges[this.ranges.length - 1] as number) : Number.NaN;
    return added;
  }

  /** Whether `seq` of `producer` was seen (no change). */
  has(producer: string, seq: number): boolean {
    this.flush();
    const r = producer === this.producer ? this.ranges : this.byProducer.get(producer);
    if (r === undefined) return false;
    const i = lastStartAtOrBelow(r, seq);
    return i >= 0 && seq <= (r[i + 1] as number);
  }

  /** The ranges, by producer. */
  toRecord(): SeqRangesRecord {
    this.flush();
    const out: SeqRangesRecord = {};
    for (const [producer, r] of this.byProducer) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
      out[producer] = pairs;
    }
    return out;
  }

  /** The highest seq seen per producer (what older readers of `metrics.source` know as `seq_hwm`). */
  highWaterMarks(): Record<string, number> {
    this.flush();
    const out: Record<string, number> = {};
    for (const [producer, r] of this.byProducer) if (r.length > 0) out[producer] = r[r.length - 1] as number;
    return out;
  }

  /** Writes the in-order end kept at hand back into the ranges. */
  private flush(): void {
    const n = this.ranges.length;
    if (n > 0) this.ranges[n - 1] = this.hi;
  }

  private select(producer: string): void {
    this.flush();
    let r = this.byProducer.get(producer);
    if (r === undefined) {
      r = [];
      this.byProducer.set(producer, r);
    }
    this.producer = producer;
    this.ranges = r;
    this.hi = r.length > 0 ? (r[r.length - 1] as number) : Number.NaN;
  }
}

/** Index (even) of the last range starting at or below `seq`, or -2 when none does. */
function lastStartAtOrBelow(r: readonly number[], seq: number): number {
  let lo = 0;
  let hi = r.length / 2 - 1;
  let found = -2;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((r[mid * 2] as number) <= seq) {
      found = mid * 2;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Adds `seq` to the ranges `r` in place: false when it is in one already. */
function insert(r: number[], seq: number): boolean {
  const i = lastStartAtOrBelow(r, seq);
  if (i >= 0 && seq <= (r[i + 1] as number)) return false;
  const joinsPrev = i >= 0 && (r[i + 1] as number) + 1 === seq;
  const next = i + 2;
  const joinsNext = next < r.length && (r[next] as number) - 1 === seq;
  if (joinsPrev && joinsNext) r.splice(i + 1, 2); // the gap closes: [lo, hi] [seq+1, hi2] → [lo, hi2]
  else if (joinsPrev) r[i + 1] = seq;
  else if (joinsNext) r[next] = seq;
  else {
    r.splice(next, 0, seq, seq);
    if (r.length > MAX_RANGES * 2) r.splice(1, 2);
  }
  return true;
}

/** Ranges as stored (any order, possibly overlapping) → the sorted, merged flat form. */
function normalized(pairs: readonly (readonly [number, number])[]): number[] {
  const sorted = pairs.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const r: number[] = [];
  for (const [lo, hi] of sorted) {
    const n = r.length;
    if (n > 0 && lo <= (r[n - 1] as number) + 1) r[n - 1] = Math.max(r[n - 1] as number, hi);
    else r.push(lo, hi);
  }
  return r;
}
