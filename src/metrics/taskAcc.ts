/**
 * A task as the run state keeps it (DESIGN §4.3), updated in place by the reducer.
 *
 * Its times live outside the object, in rows of a shared `Float64Array` (NaN for unknown), and are
 * read and written through accessors that keep the `number | null` of every other field. A long
 * log names tens of thousands of tasks, all alive as long as the run: stored in the object, each
 * time was a number boxed on the heap, made anew on every write (times do not fit a small
 * integer) and copied by every garbage collection until it grew old. Kept in rows, a task's times
 * are 48 bytes that are allocated once and never copied, and writing one allocates nothing.
 */
import { NO_ATTEMPT } from './attempts';

export type TaskStatus = 'pending' | 'claimed' | 'in_progress' | 'verifying' | 'complete' | 'failed' | 'waiting_retry';

/** How a task's attempt ended, as the task remembers it (the attempt log keeps every attempt's). */
export type TaskOutcome = 'complete' | 'failed' | 'interrupted';

/** A task's times, at these offsets of its row. */
const CREATED = 0;
const FIRST_CLAIMED = 1;
const CLAIMED = 2;
const STARTED = 3;
const COMPLETED = 4;
const FAILED = 5;
const WIDTH = 6;

/** Rows per block (1,024): blocks are added as tasks come, never copied. */
const BLOCK_ROWS = 1024;

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

/** Where the tasks of one run state keep their times: hands out a row per task. */
export class TaskTimes {
  /** The block rows are taken from now. */
  block = new Float64Array(0);
  private next = BLOCK_ROWS * WIDTH;

  /** Where a new row begins in `block` (a new block when the last one is full), every time unknown. */
  take(): number {
    if (this.next === BLOCK_ROWS * WIDTH) {
      this.block = new Float64Array(BLOCK_ROWS * WIDTH).fill(Number.NaN);
      this.next = 0;
    }
    const at = this.next;
    this.next += WIDTH;
    return at;
  }
}

/** What a task knows, as checkpoints store it: every field but the indices into the attempt log. */
export interface TaskFields {
  readonly id: string;
  readonly level: number | null;
  readonly status: TaskStatus;
  readonly workerId: number | null;
  readonly createdAt: number | null;
  /** First claim: queue wait is measured to it. */
  readonly firstClaimedAt: number | null;
  /** Claim and start of the latest attempt. */
  readonly claimedAt: number | null;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly failedAt: number | null;
  /** Execution duration of the successful attempt; null until complete (or when it was negative). */
  readonly durationMs: number | null;
  readonly verificationMs: number | null;
  readonly attempts: number;
  readonly error: string | null;
  /** True while an attempt is claimed and not yet finished (for max_parallel). */
  readonly running: boolean;
  /** How its latest finished attempt ended: a failure counts until a success, an interruption does not. */
  readonly lastOutcome: TaskOutcome | null;
}

export class TaskAcc implements TaskFields {
  level: number | null = null;
  status: TaskStatus = 'pending';
  workerId: number | null = null;
  durationMs: number | null = null;
  verificationMs: number | null = null;
  attempts = 0;
  error: string | null = null;
  running = false;
  lastOutcome: TaskOutcome | null = null;
  /** Index in the attempt log of its attempt in flight, and of its latest recorded one (`NO_ATTEMPT`: none). */
  openAttempt = NO_ATTEMPT;
  lastAttempt = NO_ATTEMPT;
  private readonly times: Float64Array;
  private readonly at: number;

  /** Task `id`, pending, nothing known of it yet; its times in a row of `times`. */
  constructor(
    readonly id: string,
    times: TaskTimes,
  ) {
    this.at = times.take();
    this.times = times.block;
  }

  /** A task as a checkpoint stored it (no attempt in flight: the attempt log is restored after). */
  static restore(fields: TaskFields, times: TaskTimes): TaskAcc {
    const task = new TaskAcc(fields.id, times);
    task.level = fields.level;
    task.status = fields.status;
    task.workerId = fields.workerId;
    task.createdAt = fields.createdAt;
    task.firstClaimedAt = fields.firstClaimedAt;
    task.claimedAt = fields.claimedAt;
    task.startedAt = fields.startedAt;
    task.completedAt = fields.completedAt;
    task.failedAt = fields.failedAt;
    task.durationMs = fields.durationMs;
    task.verificationMs = fields.verificationMs;
    task.attempts = fields.attempts;
    task.error = fields.error;
    task.running = fields.running;
    task.lastOutcome = fields.lastOutcome;
    return task;
  }

  /** What a checkpoint stores of it. */
  fields(): TaskFields {
    const { id, level, status, workerId, createdAt, firstClaimedAt, claimedAt, startedAt, completedAt, failedAt, durationMs, verificationMs, attempts, error, running, lastOutcome } = this;
    return { id, level, status, workerId, createdAt, firstClaimedAt, claimedAt, startedAt, completedAt, failedAt, durationMs, verificationMs, attempts, error, running, lastOutcome };
  }

  get createdAt(): number | null {
    return orNull(this.times[this.at + CREATED] as number);
  }
  set createdAt(ts: number | null) {
    this.times[this.at + CREATED] = ts ?? Number.NaN;
  }
  get firstClaimedAt(): number | null {
    return orNull(this.times[this.at + FIRST_CLAIMED] as number);
  }
  set firstClaimedAt(ts: number | null) {
    this.times[this.at + FIRST_CLAIMED] = ts ?? Number.NaN;
  }
  get claimedAt(): number | null {
    return orNull(this.times[this.at + CLAIMED] as number);
  }
  set claimedAt(ts: number | null) {
    this.times[this.at + CLAIMED] = ts ?? Number.NaN;
  }
  get startedAt(): number | null {
    return orNull(this.times[this.at + STARTED] as number);
  }
  set startedAt(ts: number | null) {
    this.times[this.at + STARTED] = ts ?? Number.NaN;
  }
  get completedAt(): number | null {
    return orNull(this.times[this.at + COMPLETED] as number);
  }
  set completedAt(ts: number | null) {
    this.times[this.at + COMPLETED] = ts ?? Number.NaN;
  }
  get failedAt(): number | null {
    return orNull(this.times[this.at + FAILED] as number);
  }
  set failedAt(ts: number | null) {
    this.times[this.at + FAILED] = ts ?? Number.NaN;
  }
}
