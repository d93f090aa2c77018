/**
 * The `status --json` document (DESIGN §6): one JSON object, snake_case, built from a snapshot.
 * `metrics` is the seed's FeatureMetrics dict (extended: p99, method and sample count of each
 * percentile figure, throughput, utilization...), `ingest` the DESIGN §8 counters. Pure.
 */
import { printableJson } from '../events/printable';
import { formatTimestamp, formatTimestampOrNull } from '../events/timestamp';
import { encodeIngest, type RecentEvent, type RunSnapshot } from '../metrics/snapshot';
import { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from '../metrics/types';
import type { TaskGraph } from '../graph/taskGraph';
import type { RunFacts } from '../metrics/runFacts';
import { runFactsOf, UnknownLevelError, unseenGraphTasks } from './statusModel';
import { DEFAULT_STALL_AFTER_MS } from '../metrics/runFacts';
import { checkOutcome } from './checkOutcome';

/** Bumped when a key changes meaning or disappears (adding keys does not bump it). */
const STATUS_JSON_SCHEMA_VERSION = 1;
/** Events listed in the document. */
const STATUS_JSON_EVENTS = 10;

export interface StatusJsonOptions {
  /** The feature asked for (used when the snapshot has none: nothing has run yet). */
  readonly feature: string;
  /** The task graph, when known: tasks not seen yet are listed as pending. */
  readonly graph?: TaskGraph | null;
  /** The clock (epoch ms): where a running level stands, which workers are stalled. */
  readonly now: number;
  /** The orchestrator that held the run's lock is gone (the run reads `abandoned`). */
  readonly orchestratorGone?: boolean;
  /**
   * `--level N`: `tasks` and `levels` hold that level's only (the run's `metrics` and `run` stay
   * whole) and the document says `level: N`. A level the run does not have throws `UnknownLevelError`.
   */
  readonly level?: number;
  /** A worker whose heartbeats stopped longer ago than this is listed in `stalled_workers` (`stalledWorkers`). */
  readonly stallAfterMs?: number;
}

/** The run's facts (DESIGN §4.5) as `--json` gives them: what text and the dashboard show. */
function encodeFacts(facts: RunFacts): Record<string, unknown> {
  return {
    status: facts.status,
    size_known: facts.sizeKnown,
    tasks_total: facts.total,
    tasks_completed: facts.completed,
    tasks_failed: facts.failed,
    progress: facts.fraction,
    eta_ms: facts.etaMs,
    current_level: facts.currentLevel,
    levels: facts.levels.map((l) => ({ level: l.level, phase: l.phase, duration_ms: l.durationMs, task_count: l.taskCount, completed: l.completed, failed: l.failed })),
  };
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
  const { document, tasks } = statusDocument(snapshot, options);
  return { ...document, tasks: tasks.map((t) => TaskMetrics.encode(t)) };
}

/**
 * The document with its tasks apart, not encoded yet: they are most of it (200k tasks print
 * 100 MB), so `statusJsonWriter` encodes and prints them a slice at a time. `document.tasks` holds
 * its place in the key order.
 */
function statusDocument(snapshot: RunSnapshot, options: StatusJsonOptions): { readonly document: Record<string, unknown>; readonly tasks: readonly TaskMetrics[] } {
  const graph = options.graph ?? null;
  const facts = runFactsOf(snapshot, options);
  const { level } = options;
  if (level !== undefined && !facts.levels.some((l) => l.level === level)) throw new UnknownLevelError(level, facts.levels.map((l) => l.level));
  const inLevel = (t: { readonly level?: number | null }): boolean => level === undefined || t.level === level;
  // The metrics' total is the run's size when known (the graph's may be larger than the tasks
  // seen), else the tasks seen; their estimate and progress are the facts', so that no figure
  // here differs from what text and the dashboard show.
  const metrics: FeatureMetrics = {
    ...snapshot.metrics,
    tasksTotal: facts.total ?? snapshot.metrics.tasksTotal,
    etaMs: facts.etaMs,
    ...(facts.fraction !== null ? { progress: facts.fraction } : {}),
  };
  const tasks = [...snapshot.tasks.filter(inLevel), ...unseenGraphTasks(snapshot.tasks, graph, level)];
  const outcome = checkOutcome(snapshot, { now: options.now, stallAfterMs: options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS, status: facts.status });
  const document = {
    schema_version: STATUS_JSON_SCHEMA_VERSION,
    feature: snapshot.feature ?? options.feature,
    ...(level !== undefined ? { level } : {}),
    status: facts.status,
    stalled_workers: outcome.stalledWorkers,
    current_level: facts.currentLevel,
    run: encodeFacts(facts),
    started_at: formatTimestampOrNull(snapshot.startedAt),
    last_event_at: formatTimestampOrNull(snapshot.lastEventAt),
    error: snapshot.error,
    tasks: TASKS_PLACE,
    workers: metrics.workerMetrics.map((w) => WorkerMetrics.encode(w)),
    levels: metrics.levelMetrics.filter(inLevel).map((l) => LevelMetrics.encode(l)),
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
  return { document, tasks };
}

/** The tasks' place in the document; in its text, the top-level key (a raw line break is in no JSON string) with this value. */
const TASKS_PLACE = '\u0000tasks';
const TASKS_PLACE_JSON = `\n  "tasks": ${JSON.stringify(TASKS_PLACE)}`;
/** Tasks encoded and printed at a time: small enough to stay out of the old generation. */
const TASKS_PER_WRITE = 2000;
/** What `JSON.stringify({ tasks: [...] }, null, 2)` puts around the elements: they are then indented as in the document. */
const TASKS_HEAD = '{\n  "tasks": [\n';
const TASKS_TAIL = '\n  ]\n}';

/**
 * The document as printed — one JSON text, as `JSON.stringify(statusJson(…), null, 2)` gives it,
 * made printable (`printableJson`), and a newline — handed to `write` in pieces, so that neither
 * the whole text nor every encoded task is ever held at once. The document is made first (a
 * `--level` the run does not have throws `UnknownLevelError` here), its text by the writer returned.
 */
export function statusJsonWriter(snapshot: RunSnapshot, options: StatusJsonOptions): (write: (text: string) => void) => void {
  const { document, tasks } = statusDocument(snapshot, options);
  return (write) => writeDocument(document, tasks, write);
}

function writeDocument(document: Record<string, unknown>, tasks: readonly TaskMetrics[], write: (text: string) => void): void {
  const text = JSON.stringify(document, null, 2);
  const at = text.indexOf(TASKS_PLACE_JSON);
  write(`${printableJson(text.slice(0, at))}\n  "tasks": `);
  if (tasks.length === 0) write('[]');
  else {
    write('[\n');
    for (let from = 0; from < tasks.length; from += TASKS_PER_WRITE) {
      const slice = tasks.slice(from, from + TASKS_PER_WRITE).map((t) => TaskMetrics.encode(t));
      const json = JSON.stringify({ tasks: slice }, null, 2);
      write(`${from > 0 ? ',\n' : ''}${printableJson(json.slice(TASKS_HEAD.length, json.length - TASKS_TAIL.length))}`);
    }
    write('\n  ]');
  }
  write(`${printableJson(text.slice(at + TASKS_PLACE_JSON.length))}\n`);
}

/** The document as printed: one JSON text and a newline. */
export function renderStatusJson(snapshot: RunSnapshot, options: StatusJsonOptions): string {
  const parts: string[] = [];
  statusJsonWriter(snapshot, options)((text) => parts.push(text));
  return parts.join('');
}
