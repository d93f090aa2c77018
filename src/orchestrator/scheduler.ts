/**
 * Level-by-level scheduling: which task goes to which idle worker, retries with backoff, when a
 * level is complete, when the run ends. It records every lifecycle moment through `record` and
 * knows nothing of processes, files or the clock beyond what it is given (`now`, `setTimer`), so
 * it runs the same against real workers and against a test's fake ones.
 *
 * Rules:
 * - only tasks of the current level are claimed; a task whose same-level dependency is not
 *   complete waits for it;
 * - a failed attempt is retried after `backoff(retry)` up to `retries` times;
 * - a level is over when none of its tasks is queued, running or waiting to retry; if one failed
 *   for good (or could not run because a dependency failed), the run stops after that level.
 */
import { formatTimestamp } from '../events/timestamp';
import type { RecordEvent } from './eventLog';
import type { PlannedTask } from '../graph/validateGraph';

export interface LevelPlan {
  readonly level: number;
  /** Every task of the level, in graph order (those already complete included). */
  readonly tasks: readonly PlannedTask[];
  /** `level_started` was recorded by an earlier run: not recorded again. */
  readonly startedAt: number | null;
}

/** What a person is told, one line each (see `progress.ts`). */
export type Progress =
  | { readonly kind: 'level_started'; readonly at: number; readonly level: number; readonly tasks: number; readonly alreadyComplete: number }
  | {
      readonly kind: 'task_complete';
      readonly at: number;
      readonly taskId: string;
      readonly level: number;
      readonly workerId: number;
      readonly durationMs: number;
      readonly attempt: number;
    }
  | {
      readonly kind: 'task_failed';
      readonly at: number;
      readonly taskId: string;
      readonly level: number;
      readonly workerId: number;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly error: string;
      /** null: no retry left. */
      readonly retryInMs: number | null;
    }
  | { readonly kind: 'level_complete'; readonly at: number; readonly level: number; readonly durationMs: number; readonly tasks: number }
  | { readonly kind: 'level_failed'; readonly at: number; readonly level: number; readonly failed: readonly string[]; readonly blocked: readonly string[] };

export type RunOutcome =
  | { readonly status: 'complete' }
  /** `failed_task`: a task failed for good (or could not run); `error`: the run could not go on (no worker left). */
  | { readonly status: 'failed'; readonly error: string; readonly reason: 'failed_task' | 'error' }
  | { readonly status: 'stopped' };

export interface SchedulerDeps {
  readonly record: RecordEvent;
  readonly now: () => number;
  /** Hands a task to a worker (which then reports `taskStarted` and `taskFinished`). */
  readonly assign: (workerId: number, task: PlannedTask, attempt: number) => void;
  readonly setTimer: (fn: () => void, ms: number) => () => void;
  readonly backoff: (retry: number) => number;
  readonly retries: number;
  readonly progress?: (p: Progress) => void;
  /**
   * A work queue (a broker, DESIGN §9) instead of assigned workers: each claimable task is queued
   * as soon as it is claimable, whichever worker claims it records its own moments, and its outcome
   * comes back through `queuedTaskFinished`.
   */
  readonly queue?: (task: PlannedTask, attempt: number) => void;
}

type TaskStatus = 'queued' | 'running' | 'retry_wait' | 'complete' | 'failed';

interface TaskRun {
  readonly task: PlannedTask;
  status: TaskStatus;
  /** Attempts made by this run. */
  attempts: number;
  workerId: number | null;
  lastError: string | null;
}

type WorkerSlot = { state: 'idle' } | { state: 'busy'; taskId: string } | { state: 'gone' };

export class Scheduler {
  readonly done: Promise<RunOutcome>;
  private resolveDone!: (outcome: RunOutcome) => void;
  private finished = false;
  private levelIndex = -1;
  private levelStartedAt = 0;
  private readonly runs = new Map<string, TaskRun>();
  /** The runs of the current level, in plan order. */
  private levelRuns: TaskRun[] = [];
  private readonly complete: Set<string>;
  private readonly workers = new Map<number, WorkerSlot>();
  private readonly timers = new Set<() => void>();

  constructor(
    private readonly levels: readonly LevelPlan[],
    /** Tasks completed by an earlier run of this feature: never run again. */
    alreadyComplete: Iterable<string>,
    private readonly deps: SchedulerDeps,
  ) {
    this.complete = new Set(alreadyComplete);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Starts the first level. Workers join with `workerReady` (before or after). */
  start(): void {
    this.nextLevel();
  }

  /** A worker finished initialising: it is free to claim. */
  workerReady(workerId: number): void {
    if (this.finished) return;
    this.workers.set(workerId, { state: 'idle' });
    this.dispatch();
  }

  /** A worker began running its task. `at`: when, by the worker's measure. */
  taskStarted(workerId: number, taskId: string, at: number): void {
    const run = this.runs.get(taskId);
    if (this.finished || run?.status !== 'running' || run.workerId !== workerId) return;
    this.deps.record('task_started', { taskId, workerId }, at);
  }

  /** A worker's task ended. */
  taskFinished(
    workerId: number,
    outcome: { taskId: string; at: number; ok: boolean; durationMs: number; commandMs: number; error: string | null; exitCode?: number | null },
  ): void {
    const run = this.runs.get(outcome.taskId);
    if (this.finished || run?.status !== 'running' || run.workerId !== workerId) return;
    const { record } = this.deps;
    const { taskId, at } = outcome;
    this.workers.set(workerId, { state: 'idle' });
    if (outcome.ok) {
      record('verification_passed', { taskId, workerId, durationMs: Math.round(outcome.commandMs) }, at);
      record('task_complete', { taskId, workerId, durationMs: Math.round(outcome.durationMs) }, at);
      this.attemptSucceeded(run, workerId, at, outcome.durationMs);
    } else {
      record('verification_failed', { taskId, workerId, durationMs: Math.round(outcome.commandMs) }, at);
      this.attemptFailed(run, workerId, outcome.error ?? 'failed', at, true, outcome.exitCode ?? null);
    }
    this.advance();
  }

  /**
   * With a work queue: the outcome of a queued task, which its worker has recorded itself (a
   * failure is retried as `taskFinished` would). An outcome for a task not running is ignored.
   */
  queuedTaskFinished(taskId: string, workerId: number, at: number, outcome: { readonly ok: true; readonly durationMs: number } | { readonly ok: false; readonly error: string }): void {
    const run = this.runs.get(taskId);
    if (this.finished || run?.status !== 'running') return;
    if (outcome.ok) this.attemptSucceeded(run, workerId, at, outcome.durationMs);
    else this.attemptFailed(run, workerId, outcome.error, at, false);
    this.advance();
  }

  /** A worker process ended while the run goes on: its task's attempt failed. */
  workerGone(workerId: number, error: string): void {
    const slot = this.workers.get(workerId);
    this.workers.set(workerId, { state: 'gone' });
    if (this.finished) return;
    if (slot?.state === 'busy') {
      const run = this.runs.get(slot.taskId);
      if (run?.status === 'running' && run.workerId === workerId) this.attemptFailed(run, workerId, error, this.deps.now());
    }
    const alive = [...this.workers.values()].some((w) => w.state !== 'gone');
    if (!alive) {
      this.finish({ status: 'failed', error: `every worker has exited (last: worker ${workerId}: ${error})`, reason: 'error' });
      return;
    }
    this.advance();
  }

  /** Stops scheduling (SIGINT/SIGTERM): no new claims, no retries. */
  stop(): void {
    this.finish({ status: 'stopped' });
  }

  /** The attempts running now, by worker: what a stop cuts short. */
  runningAttempts(): { readonly taskId: string; readonly workerId: number }[] {
    const out: { taskId: string; workerId: number }[] = [];
    for (const [workerId, slot] of this.workers) if (slot.state === 'busy') out.push({ taskId: slot.taskId, workerId });
    return out.sort((a, b) => a.workerId - b.workerId);
  }

  private attemptSucceeded(run: TaskRun, workerId: number, at: number, durationMs: number): void {
    run.status = 'complete';
    this.complete.add(run.task.id);
    this.deps.progress?.({ kind: 'task_complete', at, taskId: run.task.id, level: run.task.level, workerId, durationMs, attempt: run.attempts });
  }

  /** `recordFailure`: false when the worker has recorded `task_failed` itself (a queued task). */
  private attemptFailed(run: TaskRun, workerId: number, error: string, at: number, recordFailure = true, exitCode: number | null = null): void {
    const { record, retries } = this.deps;
    const { task } = run;
    if (recordFailure) record('task_failed', { taskId: task.id, workerId, error, ...(exitCode !== null && exitCode >= 0 ? { exitCode } : {}) }, at);
    run.lastError = error;
    run.workerId = null;
    const maxAttempts = retries + 1;
    if (run.attempts <= retries) {
      const delay = this.deps.backoff(run.attempts);
      run.status = 'retry_wait';
      record('task_retry_scheduled', { taskId: task.id, retryCount: run.attempts, nextRetryAt: formatTimestamp(at + delay) }, at);
      this.deps.progress?.({ kind: 'task_failed', at, taskId: task.id, level: task.level, workerId, attempt: run.attempts, maxAttempts, error, retryInMs: delay });
      const cancel = this.deps.setTimer(() => {
        this.timers.delete(cancel);
        if (this.finished || run.status !== 'retry_wait') return;
        run.status = 'queued';
        this.advance();
      }, delay);
      this.timers.add(cancel);
    } else {
      run.status = 'failed';
      this.deps.progress?.({ kind: 'task_failed', at, taskId: task.id, level: task.level, workerId, attempt: run.attempts, maxAttempts, error, retryInMs: null });
    }
  }

  private get level(): LevelPlan | undefined {
    return this.levels[this.levelIndex];
  }

  private nextLevel(): void {
    this.levelIndex += 1;
    const plan = this.level;
    if (plan === undefined) {
      this.finish({ status: 'complete' });
      return;
    }
    const now = this.deps.now();
    const pending = plan.tasks.filter((t) => !this.complete.has(t.id));
    this.levelRuns = pending.map((task) => {
      const run: TaskRun = { task, status: 'queued', attempts: 0, workerId: null, lastError: null };
      this.runs.set(task.id, run);
      return run;
    });
    if (plan.startedAt === null) {
      this.deps.record('level_started', { level: plan.level, tasks: plan.tasks.map((t) => t.id) }, now);
      this.levelStartedAt = now;
    } else {
      this.levelStartedAt = plan.startedAt;
    }
    this.deps.progress?.({ kind: 'level_started', at: now, level: plan.level, tasks: plan.tasks.length, alreadyComplete: plan.tasks.length - pending.length });
    this.advance();
  }

  /** After any change: hand out work, then see whether the level (or the run) is over. */
  private advance(): void {
    if (this.finished) return;
    this.dispatch();
    const plan = this.level;
    if (plan === undefined) return;
    const runs = this.levelRuns;
    if (runs.some((r) => r.status === 'running' || r.status === 'retry_wait')) return;
    if (runs.some((r) => r.status === 'queued' && this.claimable(r.task))) return;
    // Nothing can move in this level any more.
    const failed = runs.filter((r) => r.status === 'failed').map((r) => r.task.id);
    const blocked = runs.filter((r) => r.status === 'queued').map((r) => r.task.id);
    const now = this.deps.now();
    if (failed.length === 0 && blocked.length === 0) {
      this.deps.record('level_complete', { level: plan.level }, now);
      this.deps.progress?.({ kind: 'level_complete', at: now, level: plan.level, durationMs: now - this.levelStartedAt, tasks: plan.tasks.length });
      this.nextLevel();
      return;
    }
    this.deps.progress?.({ kind: 'level_failed', at: now, level: plan.level, failed, blocked });
    const first = runs.find((r) => r.status === 'failed');
    const why = first ? `task ${first.task.id} failed after ${first.attempts} attempt${first.attempts === 1 ? '' : 's'}: ${first.lastError ?? 'failed'}` : '';
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed)` : '';
    const waiting = blocked.length > 0 ? `${why ? '; ' : ''}${blocked.join(', ')} could not run` : '';
    this.finish({ status: 'failed', error: `level ${plan.level}: ${why}${more}${waiting}`, reason: 'failed_task' });
  }

  /** Gives every idle worker the next claimable task of the current level, lowest worker id first. */
  private dispatch(): void {
    if (this.level === undefined) return;
    if (this.deps.queue) {
      this.queueClaimable(this.deps.queue);
      return;
    }
    const idle = [...this.workers.entries()].filter(([, w]) => w.state === 'idle').map(([id]) => id).sort((a, b) => a - b);
    // One walk over the level: claiming a task never makes another one claimable or not.
    let next = 0;
    for (const run of this.levelRuns) {
      if (next === idle.length) return;
      if (run.status !== 'queued' || !this.claimable(run.task)) continue;
      const workerId = idle[next++] as number;
      run.status = 'running';
      run.attempts += 1;
      run.workerId = workerId;
      this.workers.set(workerId, { state: 'busy', taskId: run.task.id });
      this.deps.record('task_claimed', { taskId: run.task.id, workerId }, this.deps.now());
      this.deps.assign(workerId, run.task, run.attempts);
    }
  }

  /** With a work queue: every claimable task of the level is queued at once (workers claim them). */
  private queueClaimable(queue: (task: PlannedTask, attempt: number) => void): void {
    for (const run of this.levelRuns) {
      if (run.status !== 'queued' || !this.claimable(run.task)) continue;
      run.status = 'running';
      run.attempts += 1;
      run.workerId = null;
      queue(run.task, run.attempts);
    }
  }

  /** Its dependencies in this same level are complete (those of lower levels are, by construction). */
  private claimable(task: PlannedTask): boolean {
    return task.dependencies.every((dep) => this.complete.has(dep) || this.runs.get(dep)?.task.level !== task.level);
  }

  private finish(outcome: RunOutcome): void {
    if (this.finished) return;
    this.finished = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.resolveDone(outcome);
  }
}
