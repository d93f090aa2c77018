/**
 * Every attempt of every task, one record each: which worker ran it, when it was claimed, started
 * and ended, and how it ended. The task's own record keeps only its latest attempt; the trace and
 * CSV exports, `status --task` and the dashboard's timeline need them all.
 *
 * Kept apart from the reducer's per-task fields, and fed by it at the four moments an attempt
 * changes (claim, start, end, and the worker going away). Pure and clock-free like the reducer.
 */
export type AttemptOutcome = 'running' | 'complete' | 'failed' | 'interrupted' | 'abandoned';

export interface AttemptAcc {
  readonly taskId: string;
  /** 1-based, numbered by claims (the task's `attempts` when it was claimed). */
  readonly attempt: number;
  readonly workerId: number | null;
  /** Epoch ms; null for a failure reported without its claim (upstream logs). */
  readonly claimedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  outcome: AttemptOutcome;
  error: string | null;
  /** The command's exit code, when the producer reported one. */
  exitCode: number | null;
}

/** An attempt as snapshots carry it: closed records are never changed again. */
export type AttemptRecord = Readonly<AttemptAcc>;

/**
 * Attempts kept per run. Past it new attempts are counted in `dropped`, not recorded, so that a
 * run of a million tasks keeps a bounded state; every export says when that happened.
 */
export const MAX_ATTEMPTS = 100_000;

export interface AttemptLog {
  readonly list: AttemptAcc[];
  /** The attempt in flight per task (the last one claimed and not yet ended). */
  readonly open: Map<string, AttemptAcc>;
  dropped: number;
}

export const createAttemptLog = (): AttemptLog => ({ list: [], open: new Map(), dropped: 0 });

/** A task was claimed by a worker (or failed with no claim seen): its attempt `attempt` begins. */
export function openAttempt(log: AttemptLog, taskId: string, attempt: number, workerId: number | null, claimedAt: number | null): void {
  log.open.delete(taskId);
  if (log.list.length >= MAX_ATTEMPTS) {
    log.dropped += 1;
    return;
  }
  const record: AttemptAcc = { taskId, attempt, workerId, claimedAt, startedAt: null, endedAt: null, outcome: 'running', error: null, exitCode: null };
  log.list.push(record);
  log.open.set(taskId, record);
}

export function attemptStarted(log: AttemptLog, taskId: string, ts: number): void {
  const record = log.open.get(taskId);
  if (record !== undefined) record.startedAt = ts;
}

/** Ends the task's attempt in flight, if any; a second end of the same attempt changes nothing. */
export function closeAttempt(log: AttemptLog, taskId: string, ts: number, outcome: Exclude<AttemptOutcome, 'running'>, error: string | null = null, exitCode: number | null = null): void {
  const record = log.open.get(taskId);
  if (record === undefined) return;
  log.open.delete(taskId);
  record.endedAt = ts;
  record.outcome = outcome;
  record.error = error;
  record.exitCode = exitCode;
}

/**
 * An attempt cut short by a stop: the one in flight, else the task's latest one when it ended with
 * its worker (the stop was recorded after the worker's end). Closed records are shared with
 * snapshots, so the latter is replaced, not changed.
 */
export function interruptAttempt(log: AttemptLog, taskId: string, ts: number, reason: string | null): void {
  if (log.open.has(taskId)) {
    closeAttempt(log, taskId, ts, 'interrupted', reason);
    return;
  }
  for (let i = log.list.length - 1; i >= 0; i--) {
    const record = log.list[i];
    if (record?.taskId !== taskId) continue;
    if (record.outcome === 'abandoned') log.list[i] = { ...record, outcome: 'interrupted', error: reason };
    return;
  }
}

/** The attempts as a snapshot shows them: open ones copied, closed ones shared (they no longer change). */
export const attemptRecords = (log: AttemptLog): readonly AttemptRecord[] => log.list.map((a) => (a.outcome === 'running' ? { ...a } : a));

/** Rebuilds the log from stored records (a checkpoint): the running ones are open again. */
export function restoreAttemptLog(records: readonly AttemptAcc[], dropped: number): AttemptLog {
  const log = createAttemptLog();
  log.dropped = dropped;
  for (const r of records) {
    const record = { ...r };
    log.list.push(record);
    if (record.outcome === 'running') log.open.set(record.taskId, record);
  }
  return log;
}
