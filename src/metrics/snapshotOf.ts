/**
 * RunState → RunSnapshot: the immutable view every reader gets. This is where percentiles are
 * computed, lists sorted and timestamps formatted — once per snapshot, never per event.
 * `now` is injected: uptimes and the duration of a running feature are measured to it.
 */
import type { LifecycleEvent } from '../events/codecs';
import { formatTimestamp, formatTimestampOrNull } from '../events/timestamp';
import type { LevelAcc, RunState, TaskAcc, WorkerAcc } from './reducer';
import { recentEvents } from './reducer';
import type { Series } from './series';
import type { FailureRecord, IngestCounters, RecentEvent, RunSnapshot, RunStatus } from './snapshot';
import type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from './types';

const HOUR_MS = 3_600_000;

/** Whole ms from a to b, or null when either is unknown or b precedes a (counted when folded). */
const span = (a: number | null, b: number | null): number | null => (a === null || b === null || b < a ? null : Math.trunc(b - a));
const iso = formatTimestampOrNull;

/** A task whose latest outcome is a failure not followed by a success (DESIGN §4.3). */

const byId = new Intl.Collator('en', { numeric: true }).compare;

export function snapshotOf(state: RunState, now: number): RunSnapshot {
  const tasks = [...state.tasks.values()].sort((a, b) => (a.level ?? Infinity) - (b.level ?? Infinity) || byId(a.id, b.id));
  const workers = [...state.workers.values()].sort((a, b) => a.id - b.id);
  const tally = tallyTasks(tasks);
  const levels = [...state.levels.values()].filter((l) => tally.byLevel.has(l.level) || l.startedAt !== null).sort((a, b) => a.level - b.level);
  const startedAt = state.rushStartedAt ?? state.firstEventAt;
  const status = runStatus(state, tally.failed);
  const workerMetrics = workers.map((w) => workerMetricsOf(w, now));
  const levelMetrics = levels.map((l) => levelMetricsOf(l, tally.byLevel.get(l.level) ?? EMPTY_TALLY, status, workers.length));

  return {
    feature: state.feature,
    status,
    startedAt,
    endedAt: state.endedAt,
    error: status === 'failed' ? failureMessage(tally.firstFailed) : null,
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
    ingest: ingestOf(state),
  };
}

/** Per level: its tasks, how many completed, failed, and whether any was attempted. */
interface LevelTally {
  tasks: number;
  completed: number;
  failed: number;
  attempted: boolean;
}
const EMPTY_TALLY: LevelTally = { tasks: 0, completed: 0, failed: 0, attempted: false };

/** The tasks counted, over the run and per level, in one pass. */
interface TaskTally {
  readonly byLevel: Map<number, LevelTally>;
  completed: number;
  failed: number;
  /** The first failed task in the snapshot's order (the run's error names it). */
  firstFailed: TaskAcc | null;
}

/** Counted here, once per snapshot, so that the reducer keeps no per-level task sets. */
function tallyTasks(tasks: readonly TaskAcc[]): TaskTally {
  const tally: TaskTally = { byLevel: new Map(), completed: 0, failed: 0, firstFailed: null };
  for (const t of tasks) {
    const complete = t.status === 'complete';
    const failed = !complete && t.failedAt !== null;
    if (complete) tally.completed += 1;
    else if (failed) {
      tally.failed += 1;
      tally.firstFailed ??= t;
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
    if (t.attempts > 0) l.attempted = true;
  }
  return tally;
}

function runStatus(state: RunState, tasksFailed: number): RunStatus {
  if (state.firstEventAt === null) return 'pending';
  if (state.endKind === null) return 'running';
  if (tasksFailed > 0) return 'failed';
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

function workerMetricsOf(w: WorkerAcc, now: number): WorkerMetrics {
  const end = w.stoppedAt ?? now;
  const uptimeMs = span(w.startedAt, end) ?? 0;
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
    startedAt: iso(w.startedAt),
    readyAt: iso(w.readyAt),
    stoppedAt: iso(w.stoppedAt),
    lastTaskCompletedAt: iso(w.lastTaskCompletedAt),
    lastEventAt: iso(w.lastEventAt),
  };
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
    createdAt: iso(t.createdAt),
    claimedAt: iso(t.claimedAt),
    startedAt: iso(t.startedAt),
    completedAt: iso(t.completedAt),
    failedAt: iso(t.failedAt),
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

function levelMetricsOf(l: LevelAcc, tally: LevelTally, status: RunStatus, workerCount: number): LevelMetrics {
  const durationMs = span(l.startedAt, l.completedAt);
  const levelStatus =
    l.completedAt !== null ? 'complete' : tally.failed > 0 && status !== 'running' ? 'failed' : l.startedAt !== null || tally.attempted ? 'running' : 'pending';
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
    startedAt: iso(l.startedAt),
    completedAt: iso(l.completedAt),
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
  const tasksTotal = Math.max(state.declaredTasks, state.tasks.size);
  const { tasksCompleted } = x;
  const dist = distribution(state.durations);
  return {
    computedAt: formatTimestamp(x.now),
    totalDurationMs,
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
    etaMs: eta(x, tasksTotal - tasksCompleted, dist.avgTaskDurationMs, dist.samples),
    startedAt: iso(x.startedAt),
    source: { eventsOffset: state.eventsOffset, seqHwm: state.seqMarks.toRecord() },
  };
}

/** An estimate: remaining tasks × mean task time ÷ workers still running. */
function eta(x: FeatureInputs, remaining: number, mean: number, samples: number): number | null {
  if (x.status === 'complete' || remaining <= 0) return 0;
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
      return { ...base, severity: 'warn', summary: 'run stopped' };
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
