/**
 * The one-shot status as data: what the text printer shows, computed from a `RunSnapshot` (and the
 * task graph when there is one). Pure: `now` is an input. Figures stay numbers (ms, counts, 0..1)
 * here; `text.ts` decides how they read.
 */
import type { REJECTION_REASONS } from '../events/decode';
import type { FailureRecord, IngestCounters, LevelMetrics, RunSnapshot, RunStatus, TaskMetrics, WorkerMetrics } from '../metrics/snapshot';
import type { TaskGraph } from '../orchestrator/taskGraph';
import { epochOf } from './format';

export type LevelPhase = 'done' | 'running' | 'pending' | 'failed';

export interface LevelLine {
  readonly level: number;
  readonly phase: LevelPhase;
  /** Level duration; for a running level, the time since it started. Null when unknown. */
  readonly durationMs: number | null;
  readonly taskCount: number;
  /** False when `taskCount` counts only the tasks seen so far (no graph, no declared size). */
  readonly sizeKnown: boolean;
  readonly completed: number;
  readonly failed: number;
  /** Over the execution durations of its completed tasks; null when none completed. */
  readonly avgMs: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface WorkerRow {
  readonly workerId: number;
  readonly status: string | null;
  readonly initMs: number | null;
  readonly tasks: number;
  readonly failed: number;
  readonly avgMs: number | null;
  readonly utilization: number | null;
  readonly uptimeMs: number;
}

export interface FailureRow {
  readonly ts: number;
  readonly taskId: string;
  readonly attempt: number;
  readonly workerId: number | null;
  readonly error: string | null;
  /** A later attempt succeeded, one is pending or running, or the task stays failed. */
  readonly outcome: 'recovered' | 'retrying' | 'failed';
}

export interface TaskRow {
  readonly taskId: string;
  readonly status: string;
  readonly workerId: number | null;
  readonly attempts: number | null;
  readonly queueWaitMs: number | null;
  readonly executionMs: number | null;
  readonly verificationMs: number | null;
  readonly error: string | null;
}

export interface IngestSummary {
  /** Input lines rejected (quarantined), all reasons together. */
  readonly rejected: number;
  /** Rejected lines by reason, largest first. */
  readonly byReason: readonly (readonly [string, number])[];
  /** Other non-zero counters worth a look (negative durations, out-of-order events, ...). */
  readonly notes: readonly (readonly [string, number])[];
}

export interface StatusModel {
  readonly feature: string;
  /** The moment the status is for. */
  readonly now: number;
  /** How long a running run has been silent, when that is long enough to doubt it still runs. */
  readonly silentForMs: number | null;
  readonly runStatus: RunStatus;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly lastEventAt: number | null;
  readonly currentLevel: number | null;
  readonly runError: string | null;
  readonly progress: {
    readonly completed: number;
    readonly failed: number;
    /** Null when the run's size is unknown: then no bar and no denominator, never a guess. */
    readonly total: number | null;
    readonly fraction: number | null;
    /** An estimate; only while running. */
    readonly etaMs: number | null;
  };
  readonly levels: readonly LevelLine[];
  /** Tasks no source gives a level: shown apart, never put in a level. */
  readonly unleveled: { readonly taskCount: number; readonly completed: number; readonly failed: number };
  readonly workers: readonly WorkerRow[];
  readonly totals: {
    readonly durationMs: number | null;
    readonly workers: number;
    readonly completed: number;
    readonly failed: number;
    readonly total: number | null;
  };
  readonly failures: readonly FailureRow[];
  readonly ingest: IngestSummary;
  readonly warnings: readonly string[];
  readonly moreWarnings: number;
  /** Set with the `level` option: that level's tasks. */
  readonly levelDetail: { readonly line: LevelLine; readonly tasks: readonly TaskRow[] } | null;
}

export interface StatusModelOptions {
  readonly now: number;
  /** The task graph of the feature, when known: the run's size and its levels come from it. */
  readonly graph?: TaskGraph | null;
  /**
   * Whether `metrics.tasksTotal` is the run's real size (declared at start, or every task known
   * from the state). Without a graph and without this, the total is unknown.
   */
  readonly totalKnown?: boolean;
  /** Show one level's tasks. */
  readonly level?: number;
  /** Messages from loading (unreadable graph, ...), and how many more there were. */
  readonly warnings?: readonly string[];
  readonly moreWarnings?: number;
}

/** Thrown for a `level` the run does not have; the CLI turns it into a one-line error. */
export class UnknownLevelError extends Error {
  constructor(
    readonly level: number,
    readonly known: readonly number[],
  ) {
    super(`level ${level} not found${known.length ? ` (levels: ${known.join(', ')})` : ' (no levels known)'}`);
  }
}

const COMPLETE = 'complete';
/**
 * A running run silent this long is worth a note: upstream workers report only task starts and
 * ends, so tasks of several minutes are normal, but half an hour of nothing is suspicious.
 */
const SILENT_AFTER_MS = 30 * 60_000;
const FAILED = 'failed';

/**
 * How many tasks the run has: the graph's count (or more, if more were seen), else the metrics'
 * total when it is the run's size (`totalKnown`, or the run is complete); null when unknown.
 * Shared by the printer and the dashboard, so both give the same fraction of the same run.
 */
export function runTotal(snapshot: RunSnapshot, graph: TaskGraph | null, totalKnown: boolean): number | null {
  const seen = snapshot.metrics.tasksTotal;
  if (graph !== null) return Math.max(graph.tasks.length, seen);
  return totalKnown || snapshot.status === 'complete' ? seen : null;
}

/** The part of the run done, 0..1: none of no size, all of an empty one. */
export const runFraction = (completed: number, total: number | null): number | null =>
  total === null ? null : total > 0 ? Math.min(1, completed / total) : 1;

/** Where the run's clock stops: its end, else now while it runs, else its last event. */
export const endOfClock = (snapshot: RunSnapshot, now: number): number => snapshot.endedAt ?? (snapshot.status === 'running' ? now : snapshot.lastEventAt ?? now);

/**
 * The metrics' estimate of the time left, while the run is running and only when the tasks it
 * counts down are the run's `total`: an estimate over the tasks seen so far, when the graph
 * declares more, would be too short. Null otherwise.
 */
export const runEtaMs = (snapshot: RunSnapshot, total: number | null): number | null =>
  snapshot.status === 'running' && total !== null && total === snapshot.metrics.tasksTotal ? (snapshot.metrics.etaMs ?? null) : null;

export function statusModel(snapshot: RunSnapshot, options: StatusModelOptions): StatusModel {
  const { metrics } = snapshot;
  const graph = options.graph ?? null;
  const tasksByLevel = tasksByLevelOf(snapshot);
  const levels = levelLinesOf(snapshot, options.now, { graph, totalKnown: options.totalKnown === true });

  const unleveledTasks = tasksByLevel.get(null) ?? [];
  const unleveled = {
    taskCount: unleveledTasks.length,
    completed: unleveledTasks.filter((t) => t.status === COMPLETE).length,
    failed: unleveledTasks.filter((t) => t.status === FAILED).length,
  };

  const completed = metrics.tasksCompleted;
  const failed = metrics.tasksFailed;
  const total = runTotal(snapshot, graph, options.totalKnown === true);
  const fraction = runFraction(completed, total);

  const workers: WorkerRow[] = metrics.workerMetrics.map((w) => ({
    workerId: w.workerId,
    status: w.status ?? null,
    initMs: w.initializationMs,
    tasks: w.tasksCompleted,
    failed: w.tasksFailed,
    avgMs: workerAvgMs(w),
    utilization: w.utilization ?? null,
    uptimeMs: w.uptimeMs,
  }));

  let levelDetail: StatusModel['levelDetail'] = null;
  if (options.level !== undefined) {
    const line = levels.find((l) => l.level === options.level);
    if (!line) throw new UnknownLevelError(options.level, levels.map((l) => l.level));
    levelDetail = { line, tasks: taskRows(tasksByLevel.get(options.level) ?? [], graph, options.level) };
  }

  const silentFor = snapshot.status === 'running' && snapshot.lastEventAt !== null ? options.now - snapshot.lastEventAt : null;
  return {
    feature: snapshot.feature ?? graph?.feature ?? '(unknown)',
    now: options.now,
    silentForMs: silentFor !== null && silentFor >= SILENT_AFTER_MS ? Math.trunc(silentFor) : null,
    runStatus: snapshot.status,
    startedAt: snapshot.startedAt,
    endedAt: snapshot.endedAt,
    lastEventAt: snapshot.lastEventAt,
    currentLevel: currentLevelOf(levels, snapshot),
    runError: snapshot.error,
    progress: {
      completed,
      failed,
      total,
      fraction,
      etaMs: runEtaMs(snapshot, total),
    },
    levels,
    unleveled,
    workers,
    totals: { durationMs: metrics.totalDurationMs, workers: metrics.workersUsed, completed, failed, total },
    failures: snapshot.failures.map((f) => failureRow(f, snapshot)),
    ingest: ingestSummary(snapshot.ingest),
    warnings: options.warnings ?? [],
    moreWarnings: options.moreWarnings ?? 0,
    levelDetail,
  };
}

/** A worker's mean task time; null until it has completed a task (never an unmeasured 0). */
export const workerAvgMs = (w: WorkerMetrics): number | null => (w.tasksCompleted > 0 ? w.avgTaskDurationMs : null);

/** A level's task-time figures; null until one of its tasks has a measured duration. */
function levelTaskFigures(lm: LevelMetrics): { readonly avgMs: number | null; readonly p50Ms: number | null; readonly p95Ms: number | null } {
  if ((lm.samples ?? lm.completedCount) <= 0) return { avgMs: null, p50Ms: null, p95Ms: null };
  return { avgMs: lm.avgTaskDurationMs, p50Ms: lm.p50DurationMs, p95Ms: lm.p95DurationMs };
}

/**
 * Each level's line: its phase, duration and task figures. The one reading of a level's state,
 * shared by the printer and the dashboard, so both say the same of the same run.
 */
export function levelLinesOf(
  snapshot: RunSnapshot,
  now: number,
  { graph = null, totalKnown = false }: { graph?: TaskGraph | null; totalKnown?: boolean } = {},
): LevelLine[] {
  return levelLines(snapshot, tasksByLevelOf(snapshot), graphLevelSizes(graph), endOfClock(snapshot, now), runTotal(snapshot, graph, totalKnown) !== null);
}

/** The first level not done yet (the run's own current level once all are). */
export const currentLevelOf = (lines: readonly LevelLine[], snapshot: RunSnapshot): number | null =>
  lines.find((l) => l.phase !== 'done')?.level ?? snapshot.currentLevel;

type TasksByLevel = Map<number | null, TaskMetrics[]>;

/**
 * What the level lines are made of is worked out once per snapshot (and graph), not per call:
 * the dashboard asks for the level lines every frame, and only running levels' clocks move
 * between its snapshots.
 */
const byLevelCache = new WeakMap<RunSnapshot, TasksByLevel>();
const tasksByLevelOf = (snapshot: RunSnapshot): TasksByLevel => cached(byLevelCache, snapshot, () => groupByLevel(snapshot.tasks));

function cached<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

function groupByLevel(tasks: readonly TaskMetrics[]): TasksByLevel {
  const out = new Map<number | null, TaskMetrics[]>();
  for (const task of tasks) {
    const key = typeof task.level === 'number' ? task.level : null;
    const list = out.get(key);
    if (list) list.push(task);
    else out.set(key, [task]);
  }
  return out;
}

/** Level → number of tasks, from the graph. */
const NO_LEVELS = new Map<number, number>();
const graphSizesCache = new WeakMap<TaskGraph, Map<number, number>>();

function graphLevelSizes(graph: TaskGraph | null): Map<number, number> {
  if (graph === null) return NO_LEVELS;
  return cached(graphSizesCache, graph, () => {
    const out = new Map<number, number>();
    for (const task of graph.tasks) out.set(task.level, (out.get(task.level) ?? 0) + 1);
    return out;
  });
}

interface LevelFacts {
  readonly level: number;
  /** Status the metrics give, when they give one. */
  readonly status: string | undefined;
  readonly taskCount: number;
  readonly completed: number;
  readonly failed: number;
  readonly durationMs: number | null;
  readonly startedAt: number | null;
  readonly avgMs: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly tasks: readonly TaskMetrics[];
}

function levelLines(
  snapshot: RunSnapshot,
  tasksByLevel: TasksByLevel,
  graphLevels: Map<number, number>,
  endOfClock: number,
  sizeKnown: boolean,
): LevelLine[] {
  const facts = new Map<number, LevelFacts>();
  for (const lm of snapshot.metrics.levelMetrics) {
    const figures = levelTaskFigures(lm);
    facts.set(lm.level, {
      level: lm.level,
      status: lm.status,
      taskCount: Math.max(lm.taskCount, graphLevels.get(lm.level) ?? 0),
      completed: lm.completedCount,
      failed: lm.failedCount,
      durationMs: lm.durationMs,
      startedAt: epochOf(lm.startedAt),
      avgMs: figures.avgMs,
      p50Ms: figures.p50Ms,
      p95Ms: figures.p95Ms,
      tasks: tasksByLevel.get(lm.level) ?? [],
    });
  }
  // Levels the graph has and the run has not reached, and levels known only from their tasks.
  const levels = new Set<number>([...graphLevels.keys(), ...[...tasksByLevel.keys()].filter((l): l is number => l !== null)]);
  for (const level of levels) {
    if (facts.has(level)) continue;
    const tasks = tasksByLevel.get(level) ?? [];
    facts.set(level, {
      level,
      status: undefined,
      taskCount: Math.max(tasks.length, graphLevels.get(level) ?? 0),
      completed: tasks.filter((t) => t.status === COMPLETE).length,
      failed: tasks.filter((t) => t.status === FAILED).length,
      durationMs: null,
      startedAt: null,
      avgMs: null,
      p50Ms: null,
      p95Ms: null,
      tasks,
    });
  }

  const ordered = [...facts.values()].sort((a, b) => a.level - b.level);
  const active = ordered.map((f) => f.status === 'running' || f.status === 'complete' || f.status === 'failed' || f.completed + f.failed > 0 || touched(f.tasks));
  return ordered.map((f, i) => {
    const laterActive = active.slice(i + 1).some(Boolean);
    const phase = levelPhase(f, laterActive, snapshot.status);
    return {
      level: f.level,
      phase,
      durationMs: phase === 'pending' ? null : levelDuration(f, phase, endOfClock),
      taskCount: f.taskCount,
      sizeKnown,
      completed: f.completed,
      failed: f.failed,
      avgMs: f.avgMs,
      p50Ms: f.p50Ms,
      p95Ms: f.p95Ms,
    };
  });
}

const NOT_STARTED = new Set(['todo', 'pending']);

const touched = (tasks: readonly TaskMetrics[]): boolean => tasks.some((t) => t.status !== undefined && !NOT_STARTED.has(t.status));

/**
 * DONE / RUNNING / PENDING / FAILED. The metrics' status wins, except that a level every task of
 * which is complete is done once the run has moved past it or ended: upstream state files often
 * record no `level_complete`.
 */
function levelPhase(f: LevelFacts, laterActive: boolean, runStatus: RunStatus): LevelPhase {
  const allDone = f.taskCount > 0 && f.completed >= f.taskCount;
  const finished = runStatus === 'complete' || runStatus === 'stopped' || runStatus === 'failed';
  switch (f.status) {
    case 'complete':
      return 'done';
    case 'failed':
      return 'failed';
    case 'pending':
      return 'pending';
    default:
      break;
  }
  if (allDone && (f.status === undefined || laterActive || finished)) return 'done';
  if (f.failed > 0 && runStatus !== 'running') return 'failed';
  if (f.status === 'running') return 'running';
  if (f.completed === 0 && f.failed === 0 && !touched(f.tasks)) return 'pending';
  return 'running';
}

/**
 * The level's duration from its events; without them (upstream states with no level stamps),
 * from its tasks' own stamps: first claim to last completion, or to now while it runs.
 */
function levelDuration(f: LevelFacts, phase: LevelPhase, endOfClock: number): number | null {
  if (f.durationMs !== null) return f.durationMs;
  const span = taskSpan(f.tasks);
  const start = f.startedAt ?? span.firstBegun;
  if (start === null) return null;
  const until = phase === 'done' ? span.lastCompleted : endOfClock;
  return until === null ? null : Math.max(0, Math.trunc(until - start));
}

interface TaskSpan {
  /** The earliest claim (or start) of the tasks, and their latest completion. */
  readonly firstBegun: number | null;
  readonly lastCompleted: number | null;
}

const spanCache = new WeakMap<readonly TaskMetrics[], TaskSpan>();

const taskSpan = (tasks: readonly TaskMetrics[]): TaskSpan =>
  cached(spanCache, tasks, () => {
    let firstBegun: number | null = null;
    let lastCompleted: number | null = null;
    for (const t of tasks) {
      const begun = epochOf(t.claimedAt) ?? epochOf(t.startedAt);
      if (begun !== null && (firstBegun === null || begun < firstBegun)) firstBegun = begun;
      const completed = epochOf(t.completedAt);
      if (completed !== null && (lastCompleted === null || completed > lastCompleted)) lastCompleted = completed;
    }
    return { firstBegun, lastCompleted };
  });

/** Tasks of the graph (of one level, when given) that `tasks` do not mention yet, as pending ones. */
export function unseenGraphTasks(tasks: readonly TaskMetrics[], graph: TaskGraph | null, level?: number): TaskMetrics[] {
  if (graph === null) return [];
  const seen = new Set(tasks.map((t) => t.taskId));
  return graph.tasks
    .filter((t) => (level === undefined || t.level === level) && !seen.has(t.id))
    .map((t) => ({ taskId: t.id, level: t.level, status: 'pending', queueWaitMs: null, executionDurationMs: null, verificationDurationMs: null, totalDurationMs: null }));
}

function taskRows(tasks: readonly TaskMetrics[], graph: TaskGraph | null, level: number): TaskRow[] {
  const rows: TaskRow[] = [...tasks, ...unseenGraphTasks(tasks, graph, level)].map((t) => ({
    taskId: t.taskId,
    status: t.status ?? 'pending',
    workerId: t.workerId ?? null,
    attempts: t.attempts ?? null,
    queueWaitMs: t.queueWaitMs,
    executionMs: t.executionDurationMs,
    verificationMs: t.verificationDurationMs,
    error: t.status === COMPLETE ? null : (t.error ?? null),
  }));
  return rows.sort((a, b) => a.taskId.localeCompare(b.taskId, 'en', { numeric: true }));
}

/** Task states in which a failed task is still being worked on. */
const RETRYING = new Set(['pending', 'todo', 'claimed', 'in_progress', 'verifying', 'waiting_retry']);

function failureRow(f: FailureRecord, snapshot: RunSnapshot): FailureRow {
  let outcome: FailureRow['outcome'] = 'failed';
  if (f.recovered) outcome = 'recovered';
  else if (snapshot.status === 'running') {
    const status = snapshot.tasks.find((t) => t.taskId === f.taskId)?.status;
    if (status !== undefined && RETRYING.has(status)) outcome = 'retrying';
  }
  return { ts: f.ts, taskId: f.taskId, attempt: f.attempt, workerId: f.workerId, error: f.error, outcome };
}

type Reason = (typeof REJECTION_REASONS)[number];

/**
 * Counters shown as notes, with their labels (one, many). Duplicates are normal when a run
 * restarts and replays its log, so they are not worth a warning.
 */
type IngestCounterKey = Exclude<keyof IngestCounters, 'invalidLines' | 'duplicateEvents'>;

/** What each counter means, one and many, in the order they are listed. */
const NOTES: Readonly<Record<IngestCounterKey, readonly [string, string]>> = {
  unknownEvents: ['event of an unknown type skipped', 'events of unknown types skipped'],
  outOfOrder: ['event out of order', 'events out of order'],
  negativeDurations: ['negative duration left out', 'negative durations left out'],
  futureTimestamps: ['timestamp in the future', 'timestamps in the future'],
  tornTail: ['partial last line', 'partial last lines'],
  logTruncations: ['events log truncation', 'events log truncations'],
  stateRecoveries: ['corrupt state file set aside', 'corrupt state files set aside'],
};

/** The non-zero counters, besides rejected lines, that signal bad input (for the printer and the dashboard). */
export const anomalies = (ingest: IngestCounters): (readonly [IngestCounterKey, number])[] =>
  (Object.keys(NOTES) as IngestCounterKey[]).filter((key) => ingest[key] > 0).map((key) => [key, ingest[key]] as const);

export function ingestSummary(ingest: IngestCounters): IngestSummary {
  const byReason = (Object.entries(ingest.invalidLines) as [Reason, number | undefined][])
    .filter((e): e is [Reason, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const rejected = byReason.reduce((sum, [, n]) => sum + n, 0);
  const notes = anomalies(ingest).map(([key, n]) => [NOTES[key][n === 1 ? 0 : 1], n] as const);
  return { rejected, byReason, notes };
}
