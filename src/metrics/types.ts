/**
 * The seed's metric types (seed §3.1), extended — never renamed — with what DESIGN §4.2 adds.
 * Each codec decodes the snake_case JSON form (filling defaults, like the seed's `from_dict`) into
 * the camelCase type used in code, and encodes back to snake_case (`to_dict`).
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Nullable, snakeCased, withDefaults } from '../codecs/snakeCase';
import { formatTimestamp, parseTimestamp } from '../events/timestamp';

const Int = t.Int as unknown as t.Type<number, number, unknown>;
const NullableInt = Nullable(Int);

/**
 * An instant: whole epoch ms in code, the ISO string we write (`…Z`) in JSON. Decoded once, here,
 * so that no reader parses a stamp again; written as ISO only where JSON is made (`encode`).
 */
export const EpochMsFromIso = new t.Type<number, string, unknown>(
  'EpochMsFromIso',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an ISO-8601 timestamp');
    const ms = parseTimestamp(u);
    return E.isRight(ms) ? t.success(Math.floor(ms.right)) : t.failure(u, c, ms.left);
  },
  formatTimestamp,
);
const Stamp = Nullable(EpochMsFromIso);

export const PercentileMethod = t.keyof({ exact: null, ddsketch: null });
export type PercentileMethod = t.TypeOf<typeof PercentileMethod>;

export const WorkerMetrics = snakeCased(
  withDefaults(
    t.intersection([
      t.type({
        workerId: Int,
        initializationMs: NullableInt,
        uptimeMs: Int,
        tasksCompleted: Int,
        tasksFailed: Int,
        totalTaskDurationMs: Int,
        avgTaskDurationMs: t.number,
      }),
      t.partial({
        /** Worker status (DESIGN §3.1 worker enum). */
        status: t.string,
        currentTask: Nullable(t.string),
        busyMs: Int,
        idleMs: Int,
        /** busy / uptime, 0..1; null before the worker has any uptime. */
        utilization: Nullable(t.number),
        throughputPerHour: t.number,
        startedAt: Stamp,
        readyAt: Stamp,
        stoppedAt: Stamp,
        lastTaskCompletedAt: Stamp,
        lastEventAt: Stamp,
        /** Its latest `worker_heartbeat`. */
        lastHeartbeatAt: Stamp,
        /** When the attempt it is running was claimed (null when idle): how long it has been at it. */
        currentTaskStartedAt: Stamp,
      }),
    ]),
    { initializationMs: null, uptimeMs: 0, tasksCompleted: 0, tasksFailed: 0, totalTaskDurationMs: 0, avgTaskDurationMs: 0 },
  ),
);
export type WorkerMetrics = t.TypeOf<typeof WorkerMetrics>;

export const TaskMetrics = snakeCased(
  withDefaults(
    t.intersection([
      t.type({
        taskId: t.string,
        queueWaitMs: NullableInt,
        executionDurationMs: NullableInt,
        verificationDurationMs: NullableInt,
        totalDurationMs: NullableInt,
      }),
      t.partial({
        level: NullableInt,
        /** Task status (DESIGN §3.1 task enum). */
        status: t.string,
        workerId: NullableInt,
        attempts: Int,
        error: Nullable(t.string),
        createdAt: Stamp,
        claimedAt: Stamp,
        startedAt: Stamp,
        completedAt: Stamp,
        failedAt: Stamp,
      }),
    ]),
    { queueWaitMs: null, executionDurationMs: null, verificationDurationMs: null, totalDurationMs: null },
  ),
);
export type TaskMetrics = t.TypeOf<typeof TaskMetrics>;

export const LevelMetrics = snakeCased(
  withDefaults(
    t.intersection([
      t.type({
        level: Int,
        durationMs: NullableInt,
        taskCount: Int,
        completedCount: Int,
        failedCount: Int,
        avgTaskDurationMs: t.number,
        p50DurationMs: Int,
        p95DurationMs: Int,
      }),
      t.partial({
        p99DurationMs: Int,
        /** Level status (DESIGN §3.1 level enum, plus `stopped`: begun, left unfinished by a stopped run). */
        status: t.string,
        maxParallel: Int,
        /** Σ task time / (duration × workers), 0..1; null while unknown. */
        parallelEfficiency: Nullable(t.number),
        percentileMethod: PercentileMethod,
        /** Samples behind avg/p50/p95/p99. */
        samples: Int,
        startedAt: Stamp,
        completedAt: Stamp,
      }),
    ]),
    { durationMs: null, taskCount: 0, completedCount: 0, failedCount: 0, avgTaskDurationMs: 0, p50DurationMs: 0, p95DurationMs: 0 },
  ),
);
export type LevelMetrics = t.TypeOf<typeof LevelMetrics>;

/** Seqs seen of one producer: sorted inclusive ranges `[lo, hi]`. */
export const SeqRanges = t.array(t.tuple([Int, Int]));

/** Where a stored snapshot stands in its inputs, so a restart replays exactly what follows. */
export const MetricsSource = snakeCased(
  t.intersection([
    t.type({
      /** Byte offset in `{feature}-events.jsonl` up to which events are folded in. */
      eventsOffset: Int,
      /** Highest `seq` seen per producer (older readers); below it a seq may still be unseen. */
      seqHwm: t.record(t.string, Int),
    }),
    t.partial({
      /** The seqs seen per producer, exactly (DESIGN §4.3). */
      seqRanges: t.record(t.string, SeqRanges),
    }),
  ]),
);
export type MetricsSource = t.TypeOf<typeof MetricsSource>;

export const FeatureMetrics = snakeCased(
  withDefaults(
    t.intersection([
      t.type({
        computedAt: t.string,
        totalDurationMs: NullableInt,
        workersUsed: Int,
        tasksTotal: Int,
        tasksCompleted: Int,
        tasksFailed: Int,
        levelsCompleted: Int,
        workerMetrics: t.array(WorkerMetrics),
        levelMetrics: t.array(LevelMetrics),
      }),
      t.partial({
        /** `total_duration_ms` less the pauses between a stop and its resume (DESIGN §5). */
        activeDurationMs: NullableInt,
        avgTaskDurationMs: t.number,
        p50DurationMs: Int,
        p95DurationMs: Int,
        p99DurationMs: Int,
        percentileMethod: PercentileMethod,
        samples: Int,
        throughputPerHour: t.number,
        /** tasks completed / tasks total, 0..1. */
        progress: t.number,
        /** An estimate, from the mean task time and the workers in use; null when unknown. */
        etaMs: NullableInt,
        startedAt: Stamp,
        source: MetricsSource,
      }),
    ]),
    { totalDurationMs: null, workersUsed: 0, tasksTotal: 0, tasksCompleted: 0, tasksFailed: 0, levelsCompleted: 0, workerMetrics: [], levelMetrics: [] },
  ),
);
export type FeatureMetrics = t.TypeOf<typeof FeatureMetrics>;
