/**
 * Every attempt of every task: which worker ran it, when it was claimed, started and ended, and how
 * it ended. The task's own record keeps only its latest attempt; the trace and CSV exports,
 * `status --task` and the dashboard's timeline need them all.
 *
 * Kept as numbers, not as one object per attempt: the reducer writes an attempt on every claim,
 * start and end, and objects that all live as long as the run cost the fold about 40% of its speed
 * (allocation, garbage collection). An attempt is a row of numbers (NaN for unknown) in blocks
 * added as the log grows, never copied, its task id and error in blocks alike. The numbers' blocks
 * are `Float64Array`s, whose contents the garbage collector never moves: as plain arrays, each
 * block was copied twice on its way to the old generation, and the fold ran about 15% slower.
 * The task holds the index of its attempt in flight (`TaskAcc.openAttempt`), so no lookup by task
 * id is needed. Records are made only when a snapshot or a checkpoint asks for them; a closed one
 * is made once and kept, so a snapshot does not rebuild them all. Pure and clock-free like the reducer.
 */
export type AttemptOutcome = 'running' | 'complete' | 'failed' | 'interrupted' | 'abandoned';

/** An attempt as snapshots and checkpoints carry it: a closed record is never changed again. */
export interface AttemptRecord {
  readonly taskId: string;
  /** 1-based, numbered by claims (the task's `attempts` when it was claimed). */
  readonly attempt: number;
  readonly workerId: number | null;
  /** Epoch ms; null for a failure reported without its claim (upstream logs). */
  readonly claimedAt: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly outcome: AttemptOutcome;
  readonly error: string | null;
  /** The command's exit code, when the producer reported one. */
  readonly exitCode: number | null;
}

/**
 * Attempts kept per run. Past it new attempts are counted in `dropped`, not recorded, so that a
 * run of a million tasks keeps a bounded state; every export says when that happened.
 */
export const MAX_ATTEMPTS = 100_000;

/** No attempt: the index a task holds when none is in flight, or none was recorded. */
export const NO_ATTEMPT = -1;

/** Outcomes by code, the code being what a row stores. */
const OUTCOMES: readonly AttemptOutcome[] = ['running', 'complete', 'failed', 'interrupted', 'abandoned'];
const RUNNING = 0;
const INTERRUPTED = 3;
const ABANDONED = 4;
const codeOf = (outcome: AttemptOutcome): number => OUTCOMES.indexOf(outcome);

/** The numbers of an attempt, at these offsets of its row (NaN: unknown). */
const ATTEMPT = 0;
const WORKER = 1;
const CLAIMED = 2;
const STARTED = 3;
const ENDED = 4;
const EXIT_CODE = 5;
const OUTCOME = 6;
const WIDTH = 7;

/** Rows per block (1,024): blocks are added as needed, never copied. */
const BLOCK_BITS = 10;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

/** Where the row of attempt `i` begins in its block. */
const rowOf = (i: number): number => (i & BLOCK_MASK) * WIDTH;
/** Where the texts of attempt `i` begin in their block. */
const textOf = (i: number): number => (i & BLOCK_MASK) * 2;

/** `list[i] = value`, the indices before it filled with `none` first (so that the array never turns sparse). */
function setAt<T>(list: T[], i: number, value: T, none: T): void {
  while (list.length < i) list.push(none);
  list[i] = value;
}

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);
const orNaN = (n: number | null): number => (n === null ? Number.NaN : n);

export class AttemptLog {
  /** Attempts recorded. */
  private n = 0;
  /** The numbers of attempt `i`, side by side in its row: `blockOf(i)[rowOf(i) + OFFSET]`. */
  private readonly blocks: Float64Array[] = [];
  /**
   * The texts of attempt `i`, in blocks alike: its task id at `textOf(i)`, its error (or null)
   * after it. (Pushed onto one growing array instead, they made the fold about 15% slower.)
   */
  private readonly textBlocks: (string | null)[][] = [];
  /**
   * Records of closed attempts, made when first asked for (an open one is made afresh each time);
   * filled up to an index only when a record is kept there, so opening an attempt costs it nothing.
   */
  private readonly made: (AttemptRecord | undefined)[] = [];
  /** Attempts not recorded because the log was full. */
  dropped = 0;

  get length(): number {
    return this.n;
  }

  /**
   * Attempt `attempt` of a task begins (a claim, or a failure with no claim seen): its index, or
   * `NO_ATTEMPT` when the log is full (then counted in `dropped`).
   */
  open(taskId: string, attempt: number, workerId: number | null, claimedAt: number | null): number {
    const i = this.n;
    if (i >= MAX_ATTEMPTS) {
      this.dropped += 1;
      return NO_ATTEMPT;
    }
    if ((i & BLOCK_MASK) === 0) {
      this.blocks.push(new Float64Array((BLOCK_MASK + 1) * WIDTH).fill(Number.NaN));
      this.textBlocks.push(new Array<string | null>((BLOCK_MASK + 1) * 2).fill(null));
    }
    const rows = this.blockOf(i);
    const at = rowOf(i);
    rows[at + ATTEMPT] = attempt;
    rows[at + WORKER] = orNaN(workerId);
    rows[at + CLAIMED] = orNaN(claimedAt);
    rows[at + STARTED] = Number.NaN;
    rows[at + ENDED] = Number.NaN;
    rows[at + EXIT_CODE] = Number.NaN;
    rows[at + OUTCOME] = RUNNING;
    this.textsOf(i)[textOf(i)] = taskId;
    this.n = i + 1;
    return i;
  }

  started(i: number, ts: number): void {
    const rows = this.blockOf(i);
    const at = rowOf(i);
    if (rows[at + OUTCOME] === RUNNING) rows[at + STARTED] = ts;
  }

  /** Ends attempt `i`; an attempt already ended stays as it ended. */
  close(i: number, ts: number, outcome: Exclude<AttemptOutcome, 'running'>, error: string | null = null, exitCode: number | null = null): void {
    const rows = this.blockOf(i);
    const at = rowOf(i);
    if (rows[at + OUTCOME] !== RUNNING) return;
    rows[at + ENDED] = ts;
    rows[at + OUTCOME] = codeOf(outcome);
    rows[at + EXIT_CODE] = orNaN(exitCode);
    if (error !== null) this.textsOf(i)[textOf(i) + 1] = error;
  }

  /**
   * An attempt that ended with its worker, recorded as interrupted once the stop is known (the stop
   * was logged after the worker's end): its record is made anew, the one earlier snapshots hold stays.
   */
  interruptAbandoned(i: number, reason: string | null): void {
    const rows = this.blockOf(i);
    if (rows[rowOf(i) + OUTCOME] !== ABANDONED) return;
    rows[rowOf(i) + OUTCOME] = INTERRUPTED;
    this.textsOf(i)[textOf(i) + 1] = reason;
    if (i < this.made.length) this.made[i] = undefined;
  }

  isRunning(i: number): boolean {
    return this.blockOf(i)[rowOf(i) + OUTCOME] === RUNNING;
  }

  /** The attempts as a snapshot shows them, in the order they began. */
  records(): AttemptRecord[] {
    const out = new Array<AttemptRecord>(this.n);
    for (let i = 0; i < out.length; i++) out[i] = this.made[i] ?? this.record(i);
    return out;
  }

  /** Rebuilds a log from stored records (a checkpoint): the running ones are in flight again. */
  static restore(records: readonly AttemptRecord[], dropped: number): AttemptLog {
    const log = new AttemptLog();
    log.dropped = dropped;
    for (const r of records) {
      const i = log.open(r.taskId, r.attempt, r.workerId, r.claimedAt);
      if (i === NO_ATTEMPT) continue;
      if (r.startedAt !== null) log.started(i, r.startedAt);
      if (r.outcome !== 'running') log.close(i, orNaN(r.endedAt), r.outcome, r.error, r.exitCode);
    }
    return log;
  }

  private blockOf(i: number): Float64Array {
    return this.blocks[i >> BLOCK_BITS] as Float64Array;
  }

  private textsOf(i: number): (string | null)[] {
    return this.textBlocks[i >> BLOCK_BITS] as (string | null)[];
  }

  private record(i: number): AttemptRecord {
    const rows = this.blockOf(i);
    const at = rowOf(i);
    const outcome = rows[at + OUTCOME] as number;
    const record: AttemptRecord = {
      taskId: this.textsOf(i)[textOf(i)] as string,
      attempt: rows[at + ATTEMPT] as number,
      workerId: orNull(rows[at + WORKER] as number),
      claimedAt: orNull(rows[at + CLAIMED] as number),
      startedAt: orNull(rows[at + STARTED] as number),
      endedAt: orNull(rows[at + ENDED] as number),
      outcome: OUTCOMES[outcome] as AttemptOutcome,
      error: this.textsOf(i)[textOf(i) + 1] ?? null,
      exitCode: orNull(rows[at + EXIT_CODE] as number),
    };
    // A closed record no longer changes (but for `interruptAbandoned`, which makes it anew).
    if (outcome !== RUNNING) setAt(this.made, i, record, undefined);
    return record;
  }
}
