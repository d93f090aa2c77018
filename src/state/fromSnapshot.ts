/**
 * A metrics snapshot → the state file (DESIGN §3.1). The processor that owns `{feature}.json` writes
 * it through this: tasks, workers and levels in upstream's format plus our additions, the metrics
 * with their `source` and checkpoint, and the failed attempts in `execution_log` so that
 * `eventsFromState` (its inverse) can replay every attempt. Keys we do not manage are kept.
 */
import { formatTimestamp, formatTimestampOrNull } from '../events/timestamp';
import { encodeIngest, type RunSnapshot } from '../metrics/snapshot';
import { FeatureMetrics } from '../metrics/types';
import type { ExecutionLogEntry, LevelState, StateFile, TaskState, WorkerState } from './codecs';

/** `execution_log` events this module writes; any other entry already there is kept. */
const MANAGED_LOG_EVENTS = new Set(['rush_started', 'rush_completed', 'rush_stopped', 'task_failed', 'task_interrupted']);

/** The snapshot's instants (epoch ms) as the state file's ISO strings. */
const iso = (ms: number | null | undefined): string | null => formatTimestampOrNull(ms ?? null);

export function applySnapshot(prev: StateFile, snapshot: RunSnapshot, checkpoint: unknown): StateFile {
  const tasks: Record<string, TaskState> = { ...prev.tasks };
  for (const t of snapshot.tasks) {
    const before = prev.tasks?.[t.taskId];
    tasks[t.taskId] = {
      ...before,
      status: (t.status ?? 'pending') as TaskState['status'],
      worker_id: t.workerId ?? null,
      claimed_at: iso(t.claimedAt),
      started_at: iso(t.startedAt),
      completed_at: iso(t.completedAt),
      duration_ms: t.executionDurationMs,
      error: t.error ?? null,
      retry_count: Math.max(0, (t.attempts ?? 0) - 1),
      updated_at: iso(latest([t.createdAt, t.claimedAt, t.startedAt, t.completedAt, t.failedAt])) ?? before?.updated_at ?? null,
      level: t.level ?? null,
      created_at: iso(t.createdAt),
      verification_duration_ms: t.verificationDurationMs,
      failed_at: iso(t.failedAt),
    };
  }

  const workers: Record<string, WorkerState> = { ...prev.workers };
  const lifetimes = new Map(snapshot.workerLifetimes.map((l) => [l.workerId, l.lifetimes]));
  for (const w of snapshot.metrics.workerMetrics) {
    const lives = lifetimes.get(w.workerId);
    workers[String(w.workerId)] = {
      ...prev.workers?.[String(w.workerId)],
      worker_id: w.workerId,
      status: (w.status ?? 'initializing') as WorkerState['status'],
      current_task: w.currentTask ?? null,
      started_at: iso(w.startedAt),
      ready_at: iso(w.readyAt),
      last_task_completed_at: iso(w.lastTaskCompletedAt),
      tasks_completed: w.tasksCompleted,
      stopped_at: iso(w.stoppedAt),
      last_heartbeat_at: iso(w.lastHeartbeatAt),
      ...(lives ? { lifetimes: lives.map(([a, b]): [string, string | null] => [formatTimestamp(a), iso(b)]) } : {}),
    };
  }

  const levels: Record<string, LevelState> = { ...prev.levels };
  for (const l of snapshot.metrics.levelMetrics) {
    levels[String(l.level)] = {
      ...prev.levels?.[String(l.level)],
      status: (l.status ?? 'pending') as LevelState['status'],
      started_at: iso(l.startedAt),
      completed_at: iso(l.completedAt),
    };
  }

  return {
    ...prev,
    started_at: iso(snapshot.startedAt),
    current_level: snapshot.currentLevel,
    tasks,
    workers,
    levels,
    execution_log: executionLog(prev.execution_log ?? [], snapshot),
    metrics: { ...FeatureMetrics.encode(snapshot.metrics), ingest: encodeIngest(snapshot.ingest), checkpoint },
    error: snapshot.error,
  };
}

function executionLog(prev: readonly ExecutionLogEntry[], s: RunSnapshot): ExecutionLogEntry[] {
  const entries = prev.filter((e) => !MANAGED_LOG_EVENTS.has(e.event));
  if (s.startedAt !== null) {
    entries.push({ timestamp: formatTimestamp(s.startedAt), event: 'rush_started', data: { total_tasks: s.metrics.tasksTotal } });
  }
  for (const f of s.failures) {
    const attempt = { task_id: f.taskId, worker_id: f.workerId, attempt: f.attempt, claimed_at: iso(f.claimedAt), started_at: iso(f.startedAt) };
    entries.push(
      f.kind === 'interrupted'
        ? { timestamp: formatTimestamp(f.ts), event: 'task_interrupted', data: { ...attempt, reason: f.error } }
        : { timestamp: formatTimestamp(f.ts), event: 'task_failed', data: { ...attempt, error: f.error } },
    );
  }
  // A stop the run was resumed from: `eventsFromState` replays the pause.
  for (const [stopped, resumed] of s.pauses) {
    entries.push({ timestamp: formatTimestamp(stopped), event: 'rush_stopped', data: { resumed_at: formatTimestamp(resumed) } });
  }
  if (s.endedAt !== null) {
    entries.push({
      timestamp: formatTimestamp(s.endedAt),
      event: s.status === 'complete' ? 'rush_completed' : 'rush_stopped',
      data: s.endReason !== null ? { reason: s.endReason } : {},
    });
  }
  return entries.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

function latest(stamps: readonly (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const s of stamps) if (typeof s === 'number' && (best === null || s > best)) best = s;
  return best;
}
