/**
 * What leaves `metrics/`: immutable snapshots of a run, read by every sink (persistence, the
 * one-shot printer, `--json`, the dashboard, the public API). One computation, many readers.
 */
import { toSnake } from '../codecs/snakeCase';
import type { RejectionReason } from '../events/decode';
import type { EventType } from '../events/codecs';
import type { AttemptRecord } from './attempts';
import type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from './types';

/** Counters of DESIGN §8. Bad input is counted here, never thrown. */
export interface IngestCounters {
  /** Lines that could not be decoded, by reason (`unknown_type` is counted in `unknownEvents`). */
  readonly invalidLines: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly unknownEvents: number;
  readonly duplicateEvents: number;
  /** Events whose sequence is impossible (a task completed before it was claimed, ...). */
  readonly outOfOrder: number;
  readonly negativeDurations: number;
  /** Events stamped later than `now` when they were folded in (clock skew between producers). */
  readonly futureTimestamps: number;
  /** A partial last line left at end of input (never parsed). */
  readonly tornTail: number;
  /** Times the events log shrank or was replaced and was re-read from the start. */
  readonly logTruncations: number;
  /** State files found corrupt and set aside. */
  readonly stateRecoveries: number;
}

export type IngestCounter = Exclude<keyof IngestCounters, 'invalidLines'>;

export const emptyIngest = (): IngestCounters => ({
  invalidLines: {},
  unknownEvents: 0,
  duplicateEvents: 0,
  outOfOrder: 0,
  negativeDurations: 0,
  futureTimestamps: 0,
  tornTail: 0,
  logTruncations: 0,
  stateRecoveries: 0,
});

/**
 * `pending`: no event yet; `running`: no end event (whether its orchestrator is alive — else the
 * run is abandoned — is read from the run lock, outside the pure core); see `runStatus`.
 */
export type RunStatus = 'pending' | 'running' | 'complete' | 'stopped' | 'failed';

/** One line of the recent-events log (dashboard, `--json` `events`). */
export interface RecentEvent {
  /** Epoch ms. */
  readonly ts: number;
  readonly type: EventType;
  readonly taskId?: string;
  readonly workerId?: number;
  readonly level?: number;
  /** A duration the event carries (task or verification), in ms. */
  readonly durationMs?: number;
  /** A short human summary ("T-3 failed on worker 1: exit 1"). */
  readonly summary: string;
  readonly severity: 'info' | 'warn' | 'error';
}

/** A worker's lifetimes, `[started, stopped]` epoch ms, oldest first; the last one's stop is null while it lives. */
export interface WorkerLifetimes {
  readonly workerId: number;
  readonly lifetimes: readonly (readonly [number, number | null])[];
}

/** An attempt that did not succeed, for the failures/retries section: failed, or interrupted by a stop. */
export interface FailureRecord {
  /** `interrupted`: cut short by a stop — no failure (not in `tasks_failed`); `error` then holds the reason. */
  readonly kind: 'failed' | 'interrupted';
  readonly ts: number;
  readonly taskId: string;
  readonly workerId: number | null;
  readonly level: number | null;
  /** 1-based attempt number (attempts are numbered by claims). */
  readonly attempt: number;
  readonly error: string | null;
  /** Whether a later attempt of the task succeeded. */
  readonly recovered: boolean;
  /** When this attempt was claimed and started (epoch ms), so a state file can replay it. */
  readonly claimedAt: number | null;
  readonly startedAt: number | null;
}

export interface RunSnapshot {
  readonly feature: string | null;
  readonly status: RunStatus;
  /** Epoch ms of `rush_started` (else the first event); null before any event. */
  readonly startedAt: number | null;
  /** Epoch ms of `rush_completed` / `rush_stopped`; null while running. */
  readonly endedAt: number | null;
  /** The `reason` the end event gave (`signal`, `failed_task`, `error`), null when none or running. */
  readonly endReason: string | null;
  /** Times the run stood stopped before it was resumed, `[stopped, resumed]` epoch ms (left out of active durations). */
  readonly pauses: readonly (readonly [number, number])[];
  /** The lifetimes of workers started again in their slot (only those: most workers live once). */
  readonly workerLifetimes: readonly WorkerLifetimes[];
  /** Why the run failed (a task that failed for good), else null. */
  readonly error: string | null;
  /** Epoch ms of the newest event folded in. */
  readonly lastEventAt: number | null;
  /** The lowest level not yet complete, or the last level when all are. */
  readonly currentLevel: number | null;
  /** The seed's FeatureMetrics (with worker and level lists, sorted by id/level), extended. */
  readonly metrics: FeatureMetrics;
  /**
   * Whether `metrics.tasksTotal` is the run's size: declared (`rush_started` `total_tasks`) or the
   * run is complete. Otherwise it counts only the tasks seen so far (an upstream state lists only
   * those it touched), and a progress fraction or an ETA from it would be made up.
   */
  readonly sizeKnown: boolean;
  /** Every task seen, sorted by level then id. */
  readonly tasks: readonly TaskMetrics[];
  /** Last events, oldest first (at most 50). */
  readonly recentEvents: readonly RecentEvent[];
  readonly failures: readonly FailureRecord[];
  /** Every attempt of every task, in claim order (at most `MAX_ATTEMPTS`). */
  readonly attempts: readonly AttemptRecord[];
  /** Attempts past `MAX_ATTEMPTS`, counted but not recorded. */
  readonly attemptsDropped: number;
  readonly ingest: IngestCounters;
}

export type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics };

/** The counters as written in JSON (`--json` `ingest`, the state file): snake_case keys. */
export function encodeIngest(ingest: IngestCounters): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ingest).map(([key, value]) => [toSnake(key), key === 'invalidLines' ? { ...value } : value]));
}
