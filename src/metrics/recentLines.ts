/**
 * The last lines seen of events without `producer`+`seq`, by hash: how the dedupe recognises such
 * an event seen again (the same line twice), and what a checkpoint stores so that a restart still
 * recognises a line folded before it. A bounded window: an identical line further back is new.
 *
 * Hashes, not lines: the window costs 8 bytes a line and a checkpoint stays small. Two different
 * lines share a 53-bit hash with a chance of about 1 in 2^53 per pair, so within a window of 4,096
 * lines a collision (which would drop a real event) is a chance of about 1 in 10^9 per full window.
 */

export const DEFAULT_WINDOW = 4096;

/** A 53-bit hash of a string: two 32-bit FNV-1a variants, combined exactly in a double. */
export function lineHash(line: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/**
 * `lineHash` of the line in the bytes `bytes[start, end)` when they are ASCII (each byte is then
 * one character of the line), else undefined: the log reader hashes a line it read in place
 * without making its string.
 */
export function lineHashIn(bytes: Uint8Array, start: number, end: number): number | undefined {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let any = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    any |= c;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  if (any >= 0x80) return undefined;
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** What a hash is (`lineHash`): a whole number of 53 bits at most. Anything else in a checkpoint matches no line. */
const isHash = (h: unknown): h is number => typeof h === 'number' && Number.isSafeInteger(h) && h >= 0;
const EMPTY = -1;

/**
 * The window is a ring of hashes in arrival order plus a hash table of the same hashes (open
 * addressing, at most half full), both in typed arrays: the dedupe and the reducer each look up
 * and remember every line without a producer, and a `Map` of 53-bit numbers costs a boxed number
 * per entry and a fifth of the whole read of such a log. Hashes in the window are distinct:
 * one is remembered only when it is not there.
 */
export class RecentLines {
  private readonly ring: Float64Array;
  private readonly table: Float64Array;
  private readonly mask: number;
  private next = 0;

  /** `initial`: hashes as `toJSON` gave them, oldest first. */
  constructor(
    private readonly size: number = DEFAULT_WINDOW,
    initial: readonly number[] = [],
  ) {
    this.ring = new Float64Array(size).fill(EMPTY);
    let capacity = 8;
    while (capacity < size * 2) capacity *= 2;
    this.table = new Float64Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (const h of initial.slice(-size)) if (isHash(h) && this.find(h) < 0) this.remember(h);
  }

  /** True if `line` is in the window; otherwise remembers it. */
  has(line: string): boolean {
    return this.hasHash(lineHash(line));
  }

  /** `has`, for the line of hash `h` (`lineHash`, `lineHashIn`). */
  hasHash(h: number): boolean {
    if (this.find(h) >= 0) return true;
    this.remember(h);
    return false;
  }

  /** Remembers `line` (seen or not). */
  note(line: string): void {
    this.noteHash(lineHash(line));
  }

  /** `note`, for the line of hash `h`. */
  noteHash(h: number): void {
    if (this.find(h) < 0) this.remember(h);
  }

  /** The hashes in the window, oldest first. */
  toJSON(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const h = this.ring[(this.next + i) % this.size] as number;
      if (h !== EMPTY) out.push(h);
    }
    return out;
  }

  private remember(h: number): void {
    if (this.size === 0) return;
    const evicted = this.ring[this.next] as number;
    if (evicted !== EMPTY) this.remove(evicted);
    this.ring[this.next] = h;
    this.next = (this.next + 1) % this.size;
    let i = this.slotOf(h);
    while (this.table[i] !== EMPTY) i = (i + 1) & this.mask;
    this.table[i] = h;
  }

  /** The table slot a hash starts its search at (its low 32 bits, masked). */
  private slotOf(h: number): number {
    return (h >>> 0) & this.mask;
  }

  /** The slot holding `h`, or -1. */
  private find(h: number): number {
    for (let i = this.slotOf(h); ; i = (i + 1) & this.mask) {
      const v = this.table[i];
      if (v === h) return i;
      if (v === EMPTY) return -1;
    }
  }

  /** Removes `h`, moving back the entries after it that would no longer be found past the hole. */
  private remove(h: number): void {
    let hole = this.find(h);
    if (hole < 0) return;
    this.table[hole] = EMPTY;
    for (let j = (hole + 1) & this.mask; ; j = (j + 1) & this.mask) {
      const v = this.table[j] as number;
      if (v === EMPTY) return;
      const home = this.slotOf(v);
      // `v` stays when its home is cyclically within (hole, j]: its search does not pass the hole.
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.table[hole] = v;
      this.table[j] = EMPTY;
      hole = j;
    }
  }
}
