/**
 * The `status --json` document (DESIGN §6): one JSON object, snake_case, built from a snapshot.
 * `metrics` is the seed's FeatureMetrics dict (extended: p99, method and sample count of each
 * percentile figure, throughput, utilization...), `ingest` the DESIGN §8 counters. Pure.
 */
import { formatTimestamp, formatTimestampOrNull } from '../events/timestamp';
import { encodeIngest, type RecentEvent, type RunSnapshot } from '../metrics/snapshot';
import { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from '../metrics/types';
import type { TaskGraph } from '../orchestrator/taskGraph';
import { currentLevelOf, levelLinesOf, runTotal, unseenGraphTasks } from './statusModel';

/** Bumped when a key changes meaning or disappears (adding keys does not bump it). */
const STATUS_JSON_SCHEMA_VERSION = 1;
/** Events listed in the document. */
const STATUS_JSON_EVENTS = 10;

export interface StatusJsonOptions {
  /** The feature asked for (used when the snapshot has none: nothing has run yet). */
  readonly feature: string;
  /** The task graph, when known: tasks not seen yet are listed as pending. */
  readonly graph?: TaskGraph | null;
  /** The clock (epoch ms): where a running level stands. */
  readonly now: number;
}

function encodeRecentEvent(e: RecentEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { timestamp: formatTimestamp(e.ts), type: e.type };
  if (e.taskId !== undefined) out.task_id = e.taskId;
  if (e.workerId !== undefined) out.worker_id = e.workerId;
  if (e.level !== undefined) out.level = e.level;
  out.summary = e.summary;
  out.severity = e.severity;
  return out;
}

export function statusJson(snapshot: RunSnapshot, options: StatusJsonOptions): Record<string, unknown> {
  const graph = options.graph ?? null;
  // The run's size is the graph's when known (`runTotal`), not only the tasks seen so far; the
  // metrics' estimate counts down the tasks seen, so it is no estimate of a larger total.
  const tasksTotal = runTotal(snapshot, graph, true) ?? snapshot.metrics.tasksTotal;
  const metrics: FeatureMetrics = { ...snapshot.metrics, tasksTotal, etaMs: tasksTotal === snapshot.metrics.tasksTotal ? snapshot.metrics.etaMs : null };
  const tasks = [...snapshot.tasks, ...unseenGraphTasks(snapshot.tasks, graph)];
  return {
    schema_version: STATUS_JSON_SCHEMA_VERSION,
    feature: snapshot.feature ?? options.feature,
    status: snapshot.status,
    current_level: currentLevelOf(levelLinesOf(snapshot, options.now, { graph }), snapshot),
    started_at: formatTimestampOrNull(snapshot.startedAt),
    last_event_at: formatTimestampOrNull(snapshot.lastEventAt),
    error: snapshot.error,
    tasks: tasks.map((t) => TaskMetrics.encode(t)),
    workers: metrics.workerMetrics.map((w) => WorkerMetrics.encode(w)),
    levels: metrics.levelMetrics.map((l) => LevelMetrics.encode(l)),
    events: snapshot.recentEvents.slice(-STATUS_JSON_EVENTS).map(encodeRecentEvent),
    failures: snapshot.failures.map((f) => ({
      timestamp: formatTimestamp(f.ts),
      task_id: f.taskId,
      worker_id: f.workerId,
      level: f.level,
      attempt: f.attempt,
      error: f.error,
      recovered: f.recovered,
    })),
    metrics: FeatureMetrics.encode(metrics),
    ingest: encodeIngest(snapshot.ingest),
  };
}

/** The document as printed: one JSON text and a newline. */
export const renderStatusJson = (snapshot: RunSnapshot, options: StatusJsonOptions): string => `${JSON.stringify(statusJson(snapshot, options), null, 2)}\n`;
