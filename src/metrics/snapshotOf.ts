/**
 * RunState → RunSnapshot: the immutable view every reader gets. This is where percentiles are
 * computed and lists sorted — once per snapshot, never per event.
 * `now` is injected: uptimes and the duration of a running feature are measured to it.
 */
import type { LifecycleEvent } from '../events/codecs';
import { formatTimestamp } from '../events/timestamp';
import { createRunState, recentEvents, type LevelAcc, type RunState, type WorkerAcc } from './runState';
import type { Series } from './series';
import type { FailureRecord, IngestCounters, RecentEvent, RunSnapshot, RunStatus, WorkerLifetimes } from './snapshot';
import type { TaskAcc } from './taskAcc';
import type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from './types';

const HOUR_MS = 3_600_000;

/** Whole ms from a to b, or null when either is unknown or b precedes a (counted when folded). */
const span = (a: number | null, b: number | null): number | null => (a === null || b === null || b < a ? null : Math.trunc(b - a));
/** A snapshot's instants are whole epoch ms (JSON writers format them: `EpochMsFromIso.encode`). */
const at = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms));

/** The order of task ids everywhere they are listed: numeric runs by value (`T-2` before `T-10`). */
export const compareTaskIds = new Intl.Collator('en', { numeric: true }).compare;

export function snapshotOf(state: RunState, now: number): RunSnapshot {
  const tasks = [...state.tasks.values()].sort((a, b) => (a.level ?? Infinity) - (b.level ?? Infinity) || compareTaskIds(a.id, b.id));
  const workers = [...state.workers.values()].sort((a, b) => a.id - b.id);
  const tally = tallyTasks(tasks);
  const levels = [...state.levels.values()].filter((l) => tally.byLevel.has(l.level) || l.startedAt !== null).sort((a, b) => a.level - b.level);
  const startedAt = state.rushStartedAt ?? state.firstEventAt;
  const status = runStatus(state, tally);
  // No worker outlives the run: one the log never saw stop stops counting when the run ended.
  const workerEnd = state.endedAt ?? now;
  const workerMetrics = workers.map((w) => workerMetricsOf(w, workerEnd));
  const levelMetrics = levels.map((l) => levelMetricsOf(l, tally.byLevel.get(l.level) ?? EMPTY_TALLY, status, workers.length, state.pauses));

  return {
    feature: state.feature,
    status,
    startedAt,
    endedAt: state.endedAt,
    endReason: state.endReason,
    pauses: state.pauses.map(([a, b]): [number, number] => [a, b]),
    workerLifetimes: workers.filter((w) => w.pastLifetimes.length > 0).map(lifetimesOf),
    error: status === 'failed' ? failureMessage(tally.firstPermanent ?? tally.firstFailed) : null,
    lastEventAt: state.lastEventAt,
    currentLevel: currentLevel(levels),
    metrics: featureMetricsOf(state, { now, startedAt, status, workers, workerMetrics, levelMetrics, tasksCompleted: tally.completed, tasksFailed: tally.failed }),
    sizeKnown: state.declaredTasks > 0 || status === 'complete',
    tasks: tasks.map(taskMetricsOf),
    recentEvents: recentEventsOf(state),
    failures: state.failures.map((f): FailureRecord => {
      const task = state.tasks.get(f.taskId);
      return { ...f, level: task?.level ?? null, recovered: task?.status === 'complete' };
    }),
    attempts: state.attempts.records(),
    attemptsDropped: state.attempts.dropped,
    ingest: ingestOf(state),
  };
}

/** The snapshot of a run no event was folded into yet (a feature that has not started, or an empty log). */
export const emptySnapshot = (feature: string | null, now: number): RunSnapshot => snapshotOf(createRunState(feature), now);

/** Per level: its tasks, how many completed, failed (for good), and whether any was attempted. */
interface LevelTally {
  tasks: number;
  completed: number;
  failed: number;
  permanent: number;
  attempted: boolean;
}
const EMPTY_TALLY: LevelTally = { tasks: 0, completed: 0, failed: 0, permanent: 0, attempted: false };

/** The tasks counted, over the run and per level, in one pass. */
interface TaskTally {
  readonly byLevel: Map<number, LevelTally>;
  completed: number;
  failed: number;
  /** Tasks failed for good. */
  permanent: number;
  /** The first failed task, and the first failed for good, in the snapshot's order (the run's error names it). */
  firstFailed: TaskAcc | null;
  firstPermanent: TaskAcc | null;
}

/**
 * A task counts as failed while its latest finished attempt failed and none succeeded since
 * (DESIGN §4.3), a retry waiting or running included; an interrupted attempt is no failure. It failed
 * for good when nothing followed its failure: no retry scheduled, no new claim (status `failed`).
 */
const countsFailed = (t: TaskAcc): boolean => t.status !== 'complete' && t.lastOutcome === 'failed';
const failedForGood = (t: TaskAcc): boolean => t.status === 'failed' && t.lastOutcome === 'failed';

/** Counted here, once per snapshot, so that the reducer keeps no per-level task sets. */
function tallyTasks(tasks: readonly TaskAcc[]): TaskTally {
  const tally: TaskTally = { byLevel: new Map(), completed: 0, failed: 0, permanent: 0, firstFailed: null, firstPermanent: null };
  for (const t of tasks) {
    const complete = t.status === 'complete';
    const failed = countsFailed(t);
    const permanent = failedForGood(t);
    if (complete) tally.completed += 1;
    else if (failed) {
      tally.failed += 1;
      tally.firstFailed ??= t;
    }
    if (permanent) {
      tally.permanent += 1;
      tally.firstPermanent ??= t;
    }
    if (t.level === null) continue;
    let l = tally.byLevel.get(t.level);
    if (l === undefined) {
      l = { ...EMPTY_TALLY };
      tally.byLevel.set(t.level, l);
    }
    l.tasks += 1;
    if (complete) l.completed += 1;
    else if (failed) l.failed += 1;
    if (permanent) l.permanent += 1;
    if (t.attempts > 0) l.attempted = true;
  }
  return tally;
}

/**
 * The run's status (DESIGN §4.3). `running` until an end event: whether its orchestrator is still
 * alive (else `abandoned`) needs the run lock, so it is decided where that is read, not here. An
 * ended run `failed` when it says so (`reason: failed_task`) or when a task failed for good (its
 * last attempt failed and nothing followed: upstream logs and older ones give no reason, and a
 * failed task with no retry behind it is what stops such a run); otherwise it is `stopped` (a
 * signal, an error: interrupted attempts are no failures, nor are failures with a retry pending)
 * or `complete`.
 */
function runStatus(state: RunState, tally: TaskTally): RunStatus {
  if (state.firstEventAt === null) return 'pending';
  if (state.endKind === null) return 'running';
  if (state.endReason === 'failed_task' || tally.permanent > 0) return 'failed';
  return state.endKind === 'completed' ? 'complete' : 'stopped';
}

function failureMessage(failed: TaskAcc | null): string | null {
  if (!failed) return null;
  const attempts = `${failed.attempts} attempt${failed.attempts === 1 ? '' : 's'}`;
  return `task ${failed.id} failed after ${attempts}${failed.error ? `: ${failed.error}` : ''}`;
}

function currentLevel(levels: readonly LevelAcc[]): number | null {
  const open = levels.find((l) => l.completedAt === null);
  return open?.level ?? levels[levels.length - 1]?.level ?? null;
}

/** `runEnd`: now, or when the run ended — a worker the log never saw stop stops counting there. */
function workerMetricsOf(w: WorkerAcc, runEnd: number): WorkerMetrics {
  // (A lifetime begun after it — a worker that started as the run ended — counts from its start.)
  const end = w.stoppedAt ?? Math.max(runEnd, w.lifetimeStartedAt ?? runEnd);
  // Uptime sums the worker's lifetimes (DESIGN §5): it does not grow while the worker is stopped.
  let lived = w.lifetimeStartedAt !== null && end > w.lifetimeStartedAt ? end - w.lifetimeStartedAt : 0;
  for (const [started, stopped] of w.pastLifetimes) if (stopped > started) lived += stopped - started;
  const uptimeMs = Math.trunc(lived);
  const initializationMs = span(w.startedAt, w.readyAt);
  const busyMs = Math.trunc(w.busyMs + (w.busySince !== null && end > w.busySince ? end - w.busySince : 0));
  return {
    workerId: w.id,
    initializationMs,
    uptimeMs,
    tasksCompleted: w.tasksCompleted,
    tasksFailed: w.tasksFailed,
    totalTaskDurationMs: w.totalTaskMs,
    avgTaskDurationMs: w.timedTasks > 0 ? w.totalTaskMs / w.timedTasks : 0,
    status: w.status,
    currentTask: w.currentTask,
    busyMs,
    idleMs: Math.max(0, uptimeMs - busyMs - (initializationMs ?? 0)),
    utilization: uptimeMs > 0 ? Math.min(1, busyMs / uptimeMs) : null,
    throughputPerHour: uptimeMs > 0 ? (w.tasksCompleted * HOUR_MS) / uptimeMs : 0,
    startedAt: at(w.startedAt),
    readyAt: at(w.readyAt),
    stoppedAt: at(w.stoppedAt),
    lastTaskCompletedAt: at(w.lastTaskCompletedAt),
    lastEventAt: at(w.lastEventAt),
    lastHeartbeatAt: at(w.lastHeartbeatAt),
    currentTaskStartedAt: at(w.busySince),
  };
}

/** Every lifetime of a worker started again in its slot, oldest first; the last may be running. */
function lifetimesOf(w: WorkerAcc): WorkerLifetimes {
  const lifetimes: [number, number | null][] = w.pastLifetimes.map(([a, b]): [number, number | null] => [a, b]);
  if (w.lifetimeStartedAt !== null) lifetimes.push([w.lifetimeStartedAt, w.stoppedAt]);
  return { workerId: w.id, lifetimes };
}

function taskMetricsOf(t: TaskAcc): TaskMetrics {
  return {
    taskId: t.id,
    queueWaitMs: span(t.createdAt, t.firstClaimedAt),
    executionDurationMs: t.durationMs,
    verificationDurationMs: t.verificationMs,
    totalDurationMs: t.status === 'complete' ? span(t.createdAt, t.completedAt) : null,
    level: t.level,
    status: t.status,
    workerId: t.workerId,
    attempts: t.attempts,
    error: t.error,
    createdAt: at(t.createdAt),
    claimedAt: at(t.claimedAt),
    startedAt: at(t.startedAt),
    completedAt: at(t.completedAt),
    failedAt: at(t.failedAt),
  };
}

/** avg/p50/p95/p99 of a series, with the method and sample count DESIGN §4.4 asks to state. */
function distribution(s: Series) {
  return {
    avgTaskDurationMs: s.mean(),
    p50DurationMs: s.percentile(50),
    p95DurationMs: s.percentile(95),
    p99DurationMs: s.percentile(99),
    percentileMethod: s.method,
    samples: s.count,
  };
}

/**
 * A level's phase: `complete`; while the run runs, `running` once started (or a task of it was
 * attempted), else `pending`; once the run ended, a level it left unfinished is `failed` when one of
 * its tasks failed for good, else `stopped` — or still `pending` if it never began.
 */
function levelStatusOf(l: LevelAcc, tally: LevelTally, status: RunStatus): string {
  if (l.completedAt !== null) return 'complete';
  const begun = l.startedAt !== null || tally.attempted;
  if (status === 'running' || status === 'pending') return begun ? 'running' : 'pending';
  if (tally.permanent > 0) return 'failed';
  return begun ? 'stopped' : 'pending';
}

/**
 * Time the run was active between `from` and `to`: the pauses between a stop and its resume are
 * left out, so a level (or the run) that spans a stop/resume is not charged the idle gap.
 */
export function activeSpan(from: number | null, to: number | null, pauses: readonly (readonly [number, number])[]): number | null {
  const whole = span(from, to);
  if (whole === null || from === null || to === null) return null;
  let paused = 0;
  for (const [a, b] of pauses) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi > lo) paused += hi - lo;
  }
  return Math.max(0, Math.trunc(whole - paused));
}

function levelMetricsOf(l: LevelAcc, tally: LevelTally, status: RunStatus, workerCount: number, pauses: readonly [number, number][]): LevelMetrics {
  const durationMs = activeSpan(l.startedAt, l.completedAt, pauses);
  const levelStatus = levelStatusOf(l, tally, status);
  return {
    level: l.level,
    durationMs,
    taskCount: Math.max(tally.tasks, l.declaredTasks),
    completedCount: tally.completed,
    failedCount: tally.failed,
    ...distribution(l.durations),
    status: levelStatus,
    maxParallel: l.maxParallel,
    parallelEfficiency: durationMs && workerCount > 0 ? l.durations.sum / (durationMs * workerCount) : null,
    startedAt: at(l.startedAt),
    completedAt: at(l.completedAt),
  };
}

interface FeatureInputs {
  now: number;
  startedAt: number | null;
  status: RunStatus;
  workers: readonly WorkerAcc[];
  workerMetrics: WorkerMetrics[];
  levelMetrics: LevelMetrics[];
  tasksCompleted: number;
  tasksFailed: number;
}

function featureMetricsOf(state: RunState, x: FeatureInputs): FeatureMetrics {
  const totalDurationMs = span(x.startedAt, state.endedAt ?? x.now);
  const activeDurationMs = activeSpan(x.startedAt, state.endedAt ?? x.now, state.pauses);
  const tasksTotal = Math.max(state.declaredTasks, state.tasks.size);
  const { tasksCompleted } = x;
  const dist = distribution(state.durations);
  return {
    computedAt: formatTimestamp(x.now),
    totalDurationMs,
    activeDurationMs,
    workersUsed: x.workers.reduce((n, w) => n + (w.startedAt !== null ? 1 : 0), 0),
    tasksTotal,
    tasksCompleted,
    tasksFailed: x.tasksFailed,
    levelsCompleted: x.levelMetrics.reduce((n, l) => n + (l.status === 'complete' ? 1 : 0), 0),
    workerMetrics: x.workerMetrics,
    levelMetrics: x.levelMetrics,
    ...dist,
    throughputPerHour: totalDurationMs ? (tasksCompleted * HOUR_MS) / totalDurationMs : 0,
    progress: tasksTotal > 0 ? tasksCompleted / tasksTotal : 0,
    etaMs: eta(x, tasksTotal, tasksTotal - tasksCompleted, dist.avgTaskDurationMs, dist.samples),
    startedAt: at(x.startedAt),
    source: { eventsOffset: state.eventsOffset, seqHwm: state.seenSeqs.highWaterMarks(), seqRanges: state.seenSeqs.toRecord() },
  };
}

/** An estimate: remaining tasks × mean task time ÷ workers still running. */
function eta(x: FeatureInputs, total: number, remaining: number, mean: number, samples: number): number | null {
  if (x.status === 'complete') return 0;
  // No task known yet: nothing to estimate (not "done").
  if (total === 0) return null;
  if (remaining <= 0) return 0;
  if (x.status !== 'running' || samples === 0) return null;
  const active = x.workers.filter((w) => w.startedAt !== null && w.stoppedAt === null).length;
  return active > 0 ? Math.round((remaining * mean) / active) : null;
}

function ingestOf(state: RunState): IngestCounters {
  return { ...state.ingest, invalidLines: { ...state.ingest.invalidLines } };
}

const recentEventsOf = (state: RunState): RecentEvent[] => recentEvents(state).map(describe);

/** A one-line account of an event, for logs. */
function describe(e: LifecycleEvent): RecentEvent {
  const base = { ts: e.ts, type: e.type };
  switch (e.type) {
    case 'rush_started':
      return { ...base, severity: 'info', summary: `run started${e.data.totalTasks !== undefined ? ` (${e.data.totalTasks} tasks, ${e.data.workers ?? '?'} workers)` : ''}` };
    case 'rush_completed':
      return { ...base, severity: 'info', summary: 'run completed' };
    case 'rush_stopped':
      return { ...base, severity: 'warn', summary: `run stopped${e.data.reason ? ` (${e.data.reason})` : ''}` };
    case 'worker_heartbeat':
      return { ...base, workerId: e.data.workerId, severity: 'info', summary: `worker ${e.data.workerId} heartbeat` };
    case 'task_interrupted':
      return {
        ...base,
        taskId: e.data.taskId,
        workerId: e.data.workerId,
        severity: 'warn',
        summary: `${e.data.taskId} interrupted on worker ${e.data.workerId} (${e.data.reason})`,
      };
    case 'worker_started':
    case 'worker_ready':
    case 'worker_stopped':
      return { ...base, workerId: e.data.workerId, severity: 'info', summary: `worker ${e.data.workerId} ${e.type.slice('worker_'.length)}` };
    case 'worker_crashed':
      return { ...base, workerId: e.data.workerId, severity: 'error', summary: `worker ${e.data.workerId} crashed${e.data.error ? `: ${e.data.error}` : ''}` };
    case 'task_created':
      return e.data.level === undefined
        ? { ...base, taskId: e.data.taskId, severity: 'info', summary: `${e.data.taskId} created` }
        : { ...base, taskId: e.data.taskId, level: e.data.level, severity: 'info', summary: `${e.data.taskId} created (level ${e.data.level})` };
    case 'task_claimed':
    case 'task_started':
      return { ...base, taskId: e.data.taskId, workerId: e.data.workerId, severity: 'info', summary: `${e.data.taskId} ${e.type.slice('task_'.length)} by worker ${e.data.workerId}` };
    case 'verification_passed':
    case 'verification_failed':
      return {
        ...base,
        taskId: e.data.taskId,
        workerId: e.data.workerId,
        durationMs: e.data.durationMs,
        severity: e.type === 'verification_failed' ? 'warn' : 'info',
        summary: `${e.data.taskId} verification ${e.type === 'verification_failed' ? 'failed' : 'passed'}`,
      };
    case 'task_complete':
      return {
        ...base,
        taskId: e.data.taskId,
        workerId: e.data.workerId,
        ...(e.data.durationMs !== undefined ? { durationMs: e.data.durationMs } : {}),
        severity: 'info',
        summary: `${e.data.taskId} complete on worker ${e.data.workerId}`,
      };
    case 'task_failed':
      return {
        ...base,
        taskId: e.data.taskId,
        workerId: e.data.workerId,
        severity: 'error',
        summary: `${e.data.taskId} failed on worker ${e.data.workerId}${e.data.error ? `: ${e.data.error}` : ''}`,
      };
    case 'task_retry_scheduled':
      return { ...base, taskId: e.data.taskId, severity: 'warn', summary: `${e.data.taskId} retry ${e.data.retryCount} scheduled` };
    case 'level_started':
      return { ...base, level: e.data.level, severity: 'info', summary: `level ${e.data.level} started` };
    case 'level_complete':
      return { ...base, level: e.data.level, severity: 'info', summary: `level ${e.data.level} complete` };
  }
}
