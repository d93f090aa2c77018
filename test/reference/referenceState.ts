/**
 * A naive reference of the figures an upstream state file states outright (DESIGN §3.1, §4.3):
 * counted straight off its `tasks`, `workers` and `levels`, with task levels from the task graph or
 * an `-L<n>-` in the id. No code shared with the product; naive stamps are read as UTC.
 */
import { parseStamp, percentile } from './referenceFold';

type Json = Record<string, unknown>;

const stamp = (s: unknown): number | null => (typeof s === 'string' ? parseStamp(/Z|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`) : null);
const spanOf = (a: number | null, b: number | null): number | null => (a === null || b === null || b < a ? null : Math.trunc(b - a));

export function referenceFromState(state: Json, graph: Json | null, now: number): Record<string, unknown> {
  const tasks = Object.entries((state.tasks ?? {}) as Record<string, Json>);
  const workers = Object.entries((state.workers ?? {}) as Record<string, Json>);
  const levels = (state.levels ?? {}) as Record<string, Json>;
  const log = (state.execution_log ?? []) as Json[];
  const graphLevels = new Map<string, number>();
  for (const t of ((graph?.tasks ?? []) as Json[])) graphLevels.set(t.id as string, t.level as number);
  const levelOf = (id: string, t: Json): number | null => {
    if (typeof t.level === 'number') return t.level;
    if (graphLevels.has(id)) return graphLevels.get(id) as number;
    const m = /-L(\d+)-/.exec(id);
    return m ? Number(m[1]) : null;
  };
  const isComplete = (t: Json) => t.status === 'complete';
  const isFailed = (t: Json) => t.status === 'failed' || t.status === 'waiting_retry';
  const declared = (log.find((e) => e.event === 'rush_started')?.data as Json | undefined)?.total_tasks;

  const levelNumbers = [...new Set(tasks.map(([id, t]) => levelOf(id, t)).filter((n): n is number => n !== null))].sort((a, b) => a - b);
  return {
    tasksTotal: Math.max(typeof declared === 'number' ? declared : 0, tasks.length),
    tasksCompleted: tasks.filter(([, t]) => isComplete(t)).length,
    tasksFailed: tasks.filter(([, t]) => isFailed(t)).length,
    workersUsed: workers.filter(([, w]) => w.started_at != null).length,
    workerMetrics: workers
      .map(([key, w]) => {
        const id = Number(w.worker_id ?? key);
        const done = tasks.filter(([, t]) => isComplete(t) && t.worker_id === id);
        const stopped = w.status === 'stopped' || w.status === 'crashed' ? stamp(w.stopped_at) : null;
        return {
          workerId: id,
          initializationMs: spanOf(stamp(w.started_at), stamp(w.ready_at)),
          uptimeMs: spanOf(stamp(w.started_at), stopped ?? now) ?? 0,
          tasksCompleted: done.length,
          totalTaskDurationMs: done.reduce((s, [, t]) => s + (t.duration_ms as number), 0),
        };
      })
      .sort((a, b) => a.workerId - b.workerId),
    levelMetrics: levelNumbers.map((n) => {
      const mine = tasks.filter(([id, t]) => levelOf(id, t) === n).map(([, t]) => t);
      const durations = mine.filter(isComplete).map((t) => t.duration_ms as number);
      const l = levels[String(n)];
      const complete = l?.status === 'complete';
      return {
        level: n,
        taskCount: mine.length,
        completedCount: durations.length,
        failedCount: mine.filter(isFailed).length,
        durationMs: complete ? spanOf(stamp(l?.started_at), stamp(l?.completed_at)) : null,
        p50DurationMs: percentile(durations, 50),
        p95DurationMs: percentile(durations, 95),
        // The run has not ended: a begun level runs.
        status: complete ? 'complete' : l?.started_at != null || mine.some((t) => t.claimed_at != null || t.started_at != null) ? 'running' : 'pending',
      };
    }),
  };
}
