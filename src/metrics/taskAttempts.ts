/**
 * How a task's attempts move the run state (DESIGN §4.3): a claim begins an attempt, a start, a
 * completion, a failure or an interruption moves it on, and whatever ends it gives its worker's busy
 * time and its level's concurrency back. Each step records the attempt in the attempt log too,
 * through the index the task holds (no lookup by task id). Pure, total, O(1) per event.
 */
import type { EventOf } from '../events/codecs';
import type { AttemptOutcome } from './attempts';
import { NO_ATTEMPT } from './attempts';
import { ensureLevel, ensureTask, ensureWorker, findLevel, type RunState } from './runState';
import type { TaskAcc } from './taskAcc';

/** Failures kept for the failures section; older ones are still counted in the metrics. */
const MAX_FAILURES = 1000;

/** The task an attempt event is about, or null when it is already complete (counted: out of order). */
function openTask(state: RunState, id: string): TaskAcc | null {
  const task = ensureTask(state, id);
  if (task.status !== 'complete') return task;
  state.ingest.outOfOrder += 1;
  return null;
}

/** Attempt `task.attempts` begins in the attempt log (claimed at `claimedAt`, or seen only failing). */
function recordAttempt(state: RunState, task: TaskAcc, workerId: number | null, claimedAt: number | null): void {
  const i = state.attempts.open(task.id, task.attempts, workerId, claimedAt);
  task.openAttempt = i;
  if (i !== NO_ATTEMPT) task.lastAttempt = i;
}

/** Ends the task's attempt in flight in the attempt log, if any. */
function recordEnd(state: RunState, task: TaskAcc, ts: number, outcome: Exclude<AttemptOutcome, 'running'>, error: string | null = null, exitCode: number | null = null): void {
  if (task.openAttempt === NO_ATTEMPT) return;
  state.attempts.close(task.openAttempt, ts, outcome, error, exitCode);
  task.openAttempt = NO_ATTEMPT;
}

export function claimTask(state: RunState, e: EventOf<'task_claimed'>): void {
  const task = openTask(state, e.data.taskId);
  if (task !== null) claim(state, task, e.data.workerId, e.ts);
}

function claim(state: RunState, task: TaskAcc, workerId: number, ts: number): void {
  if (task.running) endAttempt(state, task, ts);
  const w = ensureWorker(state, workerId, ts);
  task.workerId = w.id;
  task.claimedAt = ts;
  if (task.firstClaimedAt === null) task.firstClaimedAt = ts;
  task.startedAt = null;
  task.status = 'claimed';
  task.attempts += 1;
  task.running = true;
  recordAttempt(state, task, w.id, ts);
  w.currentTask = task.id;
  w.status = 'running';
  w.busySince = ts;
  if (task.level !== null) {
    const level = ensureLevel(state, task.level);
    level.running += 1;
    if (level.running > level.maxParallel) level.maxParallel = level.running;
  }
}

export function startTask(state: RunState, e: EventOf<'task_started'>): void {
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  // Upstream logs report starts without claims: the start is then the claim.
  if (!task.running) claim(state, task, e.data.workerId, e.ts);
  else ensureWorker(state, e.data.workerId, e.ts);
  task.startedAt = e.ts;
  if (task.openAttempt !== NO_ATTEMPT) state.attempts.started(task.openAttempt, e.ts);
  task.status = 'in_progress';
}

/**
 * Closes the running attempt of a task: level concurrency and the worker's busy time. Ended without
 * an outcome of its own (claimed again, its worker gone), the attempt is abandoned.
 */
export function endAttempt(state: RunState, task: TaskAcc, ts: number): void {
  if (!task.running) return;
  task.running = false;
  recordEnd(state, task, ts, 'abandoned');
  if (task.level !== null) {
    const level = findLevel(state, task.level);
    if (level && level.running > 0) level.running -= 1;
  }
  const w = task.workerId === null ? undefined : state.workers.get(task.workerId);
  if (w && w.currentTask === task.id) {
    if (w.busySince !== null && ts >= w.busySince) w.busyMs += ts - w.busySince;
    w.busySince = null;
    w.currentTask = null;
    if (w.status === 'running') w.status = 'idle';
  }
}

export function completeTask(state: RunState, e: EventOf<'task_complete'>): void {
  const ts = e.ts;
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  if (!task.running) state.ingest.outOfOrder += 1;
  const measured = e.data.durationMs ?? (task.startedAt === null ? null : ts - task.startedAt);
  let duration: number | null = null;
  if (measured !== null) {
    if (measured < 0) state.ingest.negativeDurations += 1;
    else duration = Math.trunc(measured);
  }
  recordEnd(state, task, ts, 'complete');
  endAttempt(state, task, ts);
  task.workerId = e.data.workerId;
  task.status = 'complete';
  task.completedAt = ts;
  task.durationMs = duration;
  task.error = null;
  task.lastOutcome = 'complete';

  const w = ensureWorker(state, e.data.workerId, ts);
  w.tasksCompleted += 1;
  w.lastTaskCompletedAt = ts;
  if (duration !== null) {
    w.totalTaskMs += duration;
    w.timedTasks += 1;
    state.durations.add(duration);
    if (task.level !== null) ensureLevel(state, task.level).durations.add(duration);
  }
}

export function failTask(state: RunState, e: EventOf<'task_failed'>): void {
  const ts = e.ts;
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  // A failure with no attempt in flight (upstream logs failures without their claims, and a task
  // can fail before it starts) is still an attempt that failed.
  if (!task.running) {
    task.attempts += 1;
    recordAttempt(state, task, e.data.workerId, null);
  }
  const claimedAt = task.running ? task.claimedAt : null;
  const startedAt = task.running ? task.startedAt : null;
  recordEnd(state, task, ts, 'failed', e.data.error ?? null, e.data.exitCode ?? null);
  endAttempt(state, task, ts);
  task.status = 'failed';
  task.failedAt = ts;
  task.error = e.data.error ?? null;
  task.workerId = e.data.workerId;
  task.lastOutcome = 'failed';
  const w = ensureWorker(state, e.data.workerId, ts);
  w.tasksFailed += 1;
  if (state.failures.length < MAX_FAILURES) {
    state.failures.push({ kind: 'failed', ts, taskId: task.id, workerId: w.id, attempt: task.attempts, error: task.error, claimedAt, startedAt });
  }
}

/**
 * An attempt cut short by a stop (DESIGN §4.3): it ends (busy time, level concurrency) and the task
 * waits for a claim again; it is no failure, and the next claim is the next attempt. An interruption
 * with no attempt in flight (its attempt already ended with its worker) is the latest attempt's.
 */
export function interruptTask(state: RunState, e: EventOf<'task_interrupted'>): void {
  const ts = e.ts;
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  if (task.attempts === 0) task.attempts = 1;
  const claimedAt = task.running ? task.claimedAt : null;
  const startedAt = task.running ? task.startedAt : null;
  if (task.openAttempt !== NO_ATTEMPT) recordEnd(state, task, ts, 'interrupted', e.data.reason);
  else if (task.lastAttempt !== NO_ATTEMPT) state.attempts.interruptAbandoned(task.lastAttempt, e.data.reason);
  endAttempt(state, task, ts);
  task.status = 'pending';
  task.lastOutcome = 'interrupted';
  ensureWorker(state, e.data.workerId, ts);
  if (state.failures.length < MAX_FAILURES) {
    state.failures.push({ kind: 'interrupted', ts, taskId: task.id, workerId: e.data.workerId, attempt: task.attempts, error: e.data.reason, claimedAt, startedAt });
  }
}
