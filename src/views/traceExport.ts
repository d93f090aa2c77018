/**
 * A run as Chrome trace-event JSON (DESIGN §10), which Perfetto and chrome://tracing open: one
 * track (thread) per worker with one complete event (`"ph":"X"`) per task attempt, from its claim
 * to its end, and the levels as spans on an orchestrator track. Times are µs since the run's start.
 * Pure: the snapshot in, the document out.
 */
import { formatTimestampOrNull } from '../events/timestamp';
import type { AttemptRecord } from '../metrics/attempts';
import type { RunSnapshot } from '../metrics/snapshot';

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  /** Trace viewers' reserved colour names: failures stand out, interruptions are marked. */
  readonly cname?: string;
  readonly args: Record<string, unknown>;
}

export interface TraceDocument {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Record<string, unknown>;
}

const PID = 1;
/** The orchestrator's track; worker `w` is on track `w + 1`, so worker 0 has one too. */
const ORCHESTRATOR_TID = 0;
export const workerTid = (workerId: number): number => workerId + 1;
/** Attempts whose worker is not known (a failure reported without one) share a track. */
const UNKNOWN_WORKER_TID = 1_000_001;

const CNAME: Readonly<Record<AttemptRecord['outcome'], string | undefined>> = {
  complete: 'good',
  failed: 'terrible',
  interrupted: 'yellow',
  abandoned: 'yellow',
  running: undefined,
};

/** Whole µs between two epoch-ms instants. */
const micros = (fromMs: number, toMs: number): number => Math.round((toMs - fromMs) * 1000);

/** Where an attempt begins and ends (epoch ms): claim → end; a running one ends at `now`. */
export function attemptSpan(a: AttemptRecord, now: number): { readonly start: number; readonly end: number } {
  const end = a.endedAt ?? now;
  const start = a.claimedAt ?? a.startedAt ?? end;
  return { start, end: Math.max(start, end) };
}

export function traceOf(snapshot: RunSnapshot, now: number): TraceDocument {
  const origin = snapshot.startedAt ?? Math.min(now, ...snapshot.attempts.map((a) => attemptSpan(a, now).start));
  const events: TraceEvent[] = [];
  const meta = (tid: number, name: string, sort: number): void => {
    events.push({ name: 'thread_name', ph: 'M', pid: PID, tid, args: { name } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid, args: { sort_index: sort } });
  };
  events.push({ name: 'process_name', ph: 'M', pid: PID, tid: ORCHESTRATOR_TID, args: { name: `mahabharatha ${snapshot.feature ?? ''}`.trim() } });
  meta(ORCHESTRATOR_TID, 'orchestrator', 0);
  const workers = new Set<number>(snapshot.metrics.workerMetrics.map((w) => w.workerId));
  for (const a of snapshot.attempts) if (a.workerId !== null) workers.add(a.workerId);
  for (const w of [...workers].sort((x, y) => x - y)) meta(workerTid(w), `worker ${w}`, workerTid(w));
  if (snapshot.attempts.some((a) => a.workerId === null)) meta(UNKNOWN_WORKER_TID, 'worker unknown', UNKNOWN_WORKER_TID);

  const end = snapshot.endedAt ?? now;
  for (const l of snapshot.metrics.levelMetrics) {
    const started = l.startedAt ?? null;
    if (started === null) continue;
    const completed = l.completedAt ?? end;
    events.push({
      name: `level ${l.level}`,
      ph: 'X',
      cat: 'level',
      pid: PID,
      tid: ORCHESTRATOR_TID,
      ts: micros(origin, started),
      dur: Math.max(0, micros(started, completed)),
      args: { level: l.level, status: l.status ?? null, tasks: l.taskCount, completed: l.completedCount, failed: l.failedCount },
    });
  }

  for (const a of snapshot.attempts) {
    const { start, end: stop } = attemptSpan(a, now);
    const cname = CNAME[a.outcome];
    events.push({
      name: a.taskId,
      ph: 'X',
      cat: a.outcome,
      pid: PID,
      tid: a.workerId === null ? UNKNOWN_WORKER_TID : workerTid(a.workerId),
      ts: micros(origin, start),
      dur: micros(start, stop),
      ...(cname !== undefined ? { cname } : {}),
      args: {
        task_id: a.taskId,
        attempt: a.attempt,
        worker_id: a.workerId,
        outcome: a.outcome,
        exit_code: a.exitCode,
        error: a.error,
        claimed_at: formatTimestampOrNull(a.claimedAt),
        started_at: formatTimestampOrNull(a.startedAt),
        ended_at: formatTimestampOrNull(a.endedAt),
      },
    });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      feature: snapshot.feature,
      status: snapshot.status,
      started_at: formatTimestampOrNull(origin),
      attempts: snapshot.attempts.length,
      attempts_not_recorded: snapshot.attemptsDropped,
    },
  };
}

export const renderTrace = (snapshot: RunSnapshot, now: number): string => `${JSON.stringify(traceOf(snapshot, now))}\n`;
