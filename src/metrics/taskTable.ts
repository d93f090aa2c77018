/**
 * The tasks of a run state by id, in the order they were first named.
 *
 * A `Map` would do, but the fold of a long log names tens of thousands of tasks, most of them new
 * at the event that first names them: for each, a `Map` looks the id up, inserts it, and now and
 * then rehashes a table that outgrew the processor's caches, reading every key string again.
 * Here the table is a typed array of (task number, hash of its id) pairs, open-addressed with
 * linear probing: a probe reads one pair and looks at a task's id only when the hashes agree, and
 * growing re-places pairs from their stored hashes without touching a string.
 *
 * Ids are input, and ids made to share a hash (easily made for any fixed hash) would make every
 * probe walk them all. So a probe reads at most `MAX_PROBE` slots; a task that finds no free slot
 * within them goes to an overflow `Map`, whose hash V8 seeds anew in every process.
 */
import type { TaskAcc } from './taskAcc';

/** Starting capacity (a power of two), and the most of it in use before the table doubles (1/2). */
const INITIAL_SLOTS = 1024;

/**
 * The most slots a probe reads: at half load a probe of ordinary ids reads one or two, and the
 * longest of 60,000 of them some 25.
 */
export const MAX_PROBE = 64;

/** FNV-1a over an id's UTF-16 code units: cheap, and spreads ids that differ in one character. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  // As a 32-bit integer, the form the table stores it in (the offset basis alone, of '', is not).
  return h | 0;
}

export class TaskTable {
  /** The tasks, by task number (first named first). */
  private readonly list: TaskAcc[] = [];
  /** Slot `s` is `pairs[2s]` = task number + 1 (0: empty) and `pairs[2s + 1]` = hash of its id. */
  private pairs = new Int32Array(INITIAL_SLOTS * 2);
  private mask = INITIAL_SLOTS - 1;
  /** Task numbers of the tasks that found no free slot within `MAX_PROBE`, by id. */
  private readonly overflow = new Map<string, number>();
  /** The most slots a task's probe read to find its place (at most `MAX_PROBE`). */
  longestProbe = 0;

  get size(): number {
    return this.list.length;
  }

  /** The tasks, in the order they were first named. */
  values(): IterableIterator<TaskAcc> {
    return this.list.values();
  }

  get(id: string): TaskAcc | undefined {
    const h = idHash(id);
    const pairs = this.pairs;
    let s = h & this.mask;
    for (let k = 0; k < MAX_PROBE; k++, s = (s + 1) & this.mask) {
      const n = pairs[2 * s] as number;
      if (n === 0) break;
      if (pairs[2 * s + 1] === h) {
        const task = this.list[n - 1] as TaskAcc;
        if (task.id === id) return task;
      }
    }
    // A task placed before the table grew may have stayed in the overflow: looked up whenever any is.
    const spilled = this.overflow.size === 0 ? undefined : this.overflow.get(id);
    return spilled === undefined ? undefined : this.list[spilled];
  }

  /** Adds `task`, or puts it in the place of the task with its id. */
  set(task: TaskAcc): void {
    const h = idHash(task.id);
    const pairs = this.pairs;
    let s = h & this.mask;
    let free = -1;
    for (let k = 0; k < MAX_PROBE; k++, s = (s + 1) & this.mask) {
      const n = pairs[2 * s] as number;
      if (n === 0) {
        free = s;
        this.longestProbe = Math.max(this.longestProbe, k + 1);
        break;
      }
      if (pairs[2 * s + 1] === h && (this.list[n - 1] as TaskAcc).id === task.id) {
        this.list[n - 1] = task;
        return;
      }
    }
    const spilled = this.overflow.size === 0 ? undefined : this.overflow.get(task.id);
    if (spilled !== undefined) {
      this.list[spilled] = task;
      return;
    }
    this.list.push(task);
    if (free < 0) {
      this.overflow.set(task.id, this.list.length - 1);
      return;
    }
    pairs[2 * free] = this.list.length;
    pairs[2 * free + 1] = h;
    if (this.list.length * 2 > this.mask) this.grow();
  }

  /** Twice the slots, each pair re-placed by its stored hash (in the overflow if it finds no free slot). */
  private grow(): void {
    const old = this.pairs;
    this.pairs = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.longestProbe = 0;
    for (let p = 0; p < old.length; p += 2) {
      const n = old[p] as number;
      if (n !== 0) this.place(n, old[p + 1] as number);
    }
  }

  private place(n: number, h: number): void {
    let s = h & this.mask;
    for (let k = 0; k < MAX_PROBE; k++, s = (s + 1) & this.mask) {
      if (this.pairs[2 * s] === 0) {
        this.pairs[2 * s] = n;
        this.pairs[2 * s + 1] = h;
        this.longestProbe = Math.max(this.longestProbe, k + 1);
        return;
      }
    }
    this.overflow.set((this.list[n - 1] as TaskAcc).id, n - 1);
  }
}
