/**
 * The one-shot status as data: what the text printer shows, computed from a `RunSnapshot` (and the
 * task graph when there is one). Pure: `now` is an input. Figures stay numbers (ms, counts, 0..1)
 * here; `text.ts` decides how they read.
 */
import type { REJECTION_REASONS } from '../events/decode';
import { factsOf, levelSizes, type LevelFacts, type RunFacts, type RunPhase } from '../metrics/runFacts';
import type { FailureRecord, IngestCounters, RunSnapshot, TaskMetrics, WorkerMetrics } from '../metrics/snapshot';
import { compareTaskIds } from '../metrics/snapshotOf';
import type { TaskGraph } from '../graph/taskGraph';

export type { LevelPhase, RunPhase } from '../metrics/runFacts';
/** A level's line: its facts, as the core computes them (DESIGN §4.5). */
export type LevelLine = LevelFacts;

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
  /** A later attempt succeeded, one is pending or running, the task stays failed, or the attempt was cut short by a stop. */
  readonly outcome: 'recovered' | 'retrying' | 'failed' | 'interrupted';
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
  readonly runStatus: RunPhase;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly lastEventAt: number | null;
  readonly currentLevel: number | null;
  readonly runError: string | null;
  /** Why an ended run ended (`signal`, `failed_task`, `error`), when it said. */
  readonly endReason: string | null;
  readonly progress: {
    readonly completed: number;
    readonly failed: number;
    /** Null when the run's size is unknown: then no bar and no denominator, never a guess. */
    readonly total: number | null;
    readonly fraction: number | null;
    /** An estimate; only while running (null otherwise). */
    readonly etaMs: number | null;
  };
  readonly levels: readonly LevelLine[];
  /** Tasks no source gives a level: shown apart, never put in a level. */
  readonly unleveled: { readonly taskCount: number; readonly completed: number; readonly failed: number };
  readonly workers: readonly WorkerRow[];
  readonly totals: {
    /** Wall time, first start to end (or now). */
    readonly durationMs: number | null;
    /** Wall time less the gaps between a stop and its resume; null when unknown. */
    readonly activeDurationMs: number | null;
    readonly workers: number;
    readonly completed: number;
    readonly failed: number;
    readonly total: number | null;
  };
  readonly failures: readonly FailureRow[];
  readonly ingest: IngestSummary;
  readonly warnings: readonly string[];
  readonly moreWarnings: number;
  /** Where the first rejected lines were and why, listed under the count of rejected lines. */
  readonly badLines: readonly string[];
  /** Set with the `level` option: that level's tasks. */
  readonly levelDetail: { readonly line: LevelLine; readonly tasks: readonly TaskRow[] } | null;
}

export interface StatusModelOptions {
  readonly now: number;
  /** The task graph of the feature, when known: the run's size and its levels come from it. */
  readonly graph?: TaskGraph | null;
  /** The orchestrator that held the run's lock is gone (the run reads `abandoned`). */
  readonly orchestratorGone?: boolean;
  /** Show one level's tasks. */
  readonly level?: number;
  /** Messages from loading (unreadable graph, ...), and how many more there were. */
  readonly warnings?: readonly string[];
  readonly moreWarnings?: number;
  /** The loader's messages about rejected lines, apart from `warnings`: the report lists them under their count. */
  readonly badLines?: readonly string[];
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

export interface FactsContext {
  readonly now: number;
  readonly graph?: TaskGraph | null;
  readonly orchestratorGone?: boolean;
}

/**
 * Level sizes per graph, worked out once per graph: the dashboard asks for the facts every frame,
 * and counting a 200,000-task graph's levels took 90 ms a frame (measured on the 2-core machine
 * under load); a graph is read once per command, so the map holds one or two.
 */
const graphLevelsCache = new WeakMap<TaskGraph, Map<number, number>>();

/**
 * The run's facts for a view: the one computation of the core (`factsOf`), given the graph's
 * level sizes and whether the orchestrator is gone. Every view reads the facts through here.
 */
export function runFactsOf(snapshot: RunSnapshot, context: FactsContext): RunFacts {
  const graph = context.graph ?? null;
  let graphLevels: Map<number, number> | null = null;
  if (graph !== null) {
    graphLevels = graphLevelsCache.get(graph) ?? levelSizes(graph.tasks);
    graphLevelsCache.set(graph, graphLevels);
  }
  return factsOf(snapshot, { now: context.now, graphLevels, orchestratorGone: context.orchestratorGone === true });
}

export function statusModel(snapshot: RunSnapshot, options: StatusModelOptions): StatusModel {
  const { metrics } = snapshot;
  const graph = options.graph ?? null;
  const facts = runFactsOf(snapshot, options);

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
    const line = facts.levels.find((l) => l.level === options.level);
    if (!line) throw new UnknownLevelError(options.level, facts.levels.map((l) => l.level));
    const tasks = snapshot.tasks.filter((t) => t.level === options.level);
    levelDetail = { line, tasks: taskRows(tasks, graph, options.level) };
  }

  const silentFor = facts.status === 'running' && snapshot.lastEventAt !== null ? options.now - snapshot.lastEventAt : null;
  return {
    feature: snapshot.feature ?? graph?.feature ?? '(unknown)',
    now: options.now,
    silentForMs: silentFor !== null && silentFor >= SILENT_AFTER_MS ? Math.trunc(silentFor) : null,
    runStatus: facts.status,
    startedAt: snapshot.startedAt,
    endedAt: snapshot.endedAt,
    lastEventAt: snapshot.lastEventAt,
    currentLevel: facts.currentLevel,
    runError: snapshot.error,
    endReason: snapshot.endReason,
    progress: { completed: facts.completed, failed: facts.failed, total: facts.total, fraction: facts.fraction, etaMs: facts.status === 'running' ? facts.etaMs : null },
    levels: facts.levels,
    unleveled: facts.unleveled,
    workers,
    totals: { durationMs: metrics.totalDurationMs, activeDurationMs: metrics.activeDurationMs ?? null, workers: metrics.workersUsed, completed: facts.completed, failed: facts.failed, total: facts.total },
    failures: snapshot.failures.map((f) => failureRow(f, snapshot)),
    ingest: ingestSummary(snapshot.ingest),
    warnings: options.warnings ?? [],
    moreWarnings: options.moreWarnings ?? 0,
    badLines: options.badLines ?? [],
    levelDetail,
  };
}

/** A worker's mean task time; null until it has completed a task (never an unmeasured 0). */
export const workerAvgMs = (w: WorkerMetrics): number | null => (w.tasksCompleted > 0 ? w.avgTaskDurationMs : null);

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
  return rows.sort((a, b) => compareTaskIds(a.taskId, b.taskId));
}

/** Task states in which a failed task is still being worked on. */
const RETRYING = new Set(['pending', 'todo', 'claimed', 'in_progress', 'verifying', 'waiting_retry']);

function failureRow(f: FailureRecord, snapshot: RunSnapshot): FailureRow {
  let outcome: FailureRow['outcome'] = 'failed';
  if (f.kind === 'interrupted') outcome = 'interrupted';
  else if (f.recovered) outcome = 'recovered';
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
