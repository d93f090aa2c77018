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

export class RecentLines {
  private readonly ring: (number | undefined)[];
  private readonly seen = new Map<number, number>();
  private next = 0;

  /** `initial`: hashes as `toJSON` gave them, oldest first. */
  constructor(
    private readonly size: number = DEFAULT_WINDOW,
    initial: readonly number[] = [],
  ) {
    this.ring = new Array<number | undefined>(size);
    for (const h of initial.slice(-size)) this.remember(h);
  }

  /** True if `line` is in the window; otherwise remembers it. */
  has(line: string): boolean {
    return this.hasHash(lineHash(line));
  }

  /** `has`, for the line of hash `h` (`lineHash`, `lineHashIn`). */
  hasHash(h: number): boolean {
    if (this.seen.has(h)) return true;
    this.remember(h);
    return false;
  }

  /** Remembers `line` (seen or not). */
  note(line: string): void {
    this.noteHash(lineHash(line));
  }

  /** `note`, for the line of hash `h`. */
  noteHash(h: number): void {
    if (!this.seen.has(h)) this.remember(h);
  }

  /** The hashes in the window, oldest first. */
  toJSON(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const h = this.ring[(this.next + i) % this.size];
      if (h !== undefined) out.push(h);
    }
    return out;
  }

  private remember(h: number): void {
    if (this.size === 0) return;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) {
      const count = (this.seen.get(evicted) ?? 1) - 1;
      if (count === 0) this.seen.delete(evicted);
      else this.seen.set(evicted, count);
    }
    this.ring[this.next] = h;
    this.next = (this.next + 1) % this.size;
    this.seen.set(h, (this.seen.get(h) ?? 0) + 1);
  }
}
