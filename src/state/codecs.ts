/**
 * The state file `{feature}.json` (DESIGN §3.1): upstream's keys and enum strings exactly, plus our
 * additions. It stays snake_case in code because it *is* the file. Unknown keys are tolerated and
 * kept: io-ts `t.type` does not strip them, and nothing here rebuilds objects key by key.
 */
import * as t from 'io-ts';
import { NonNegativeInt, Nullable } from '../codecs/snakeCase';

/** An ISO timestamp as written (naive local upstream, UTC `Z` by us), or null. */
const Stamp = Nullable(t.string);
const NullableNumber = Nullable(t.number);

export const TaskStatus = t.keyof({
  todo: null,
  pending: null,
  claimed: null,
  in_progress: null,
  verifying: null,
  complete: null,
  failed: null,
  blocked: null,
  paused: null,
  waiting_retry: null,
});
export type TaskStatus = t.TypeOf<typeof TaskStatus>;

export const WorkerStatus = t.keyof({
  initializing: null,
  ready: null,
  running: null,
  idle: null,
  checkpointing: null,
  stopping: null,
  stopped: null,
  crashed: null,
  blocked: null,
  stalled: null,
});
export type WorkerStatus = t.TypeOf<typeof WorkerStatus>;

/** Upstream's level states, plus `stopped`: begun, and left unfinished by a run that stopped. */
export const LevelStatus = t.keyof({ pending: null, running: null, complete: null, failed: null, stopped: null });
export type LevelStatus = t.TypeOf<typeof LevelStatus>;

export const TaskState = t.intersection([
  t.type({ status: TaskStatus }),
  t.partial({
    worker_id: Nullable(t.union([t.number, t.string])),
    claimed_at: Stamp,
    started_at: Stamp,
    completed_at: Stamp,
    duration_ms: NullableNumber,
    error: Nullable(t.string),
    retry_count: NonNegativeInt,
    updated_at: Stamp,
    // ours (always written by us, absent upstream)
    level: Nullable(NonNegativeInt),
    created_at: Stamp,
    verification_duration_ms: NullableNumber,
    failed_at: Stamp,
  }),
]);
export type TaskState = t.TypeOf<typeof TaskState>;

export const WorkerState = t.intersection([
  t.type({ status: WorkerStatus }),
  t.partial({
    worker_id: t.union([t.number, t.string]),
    current_task: Nullable(t.string),
    started_at: Stamp,
    ready_at: Stamp,
    last_task_completed_at: Stamp,
    tasks_completed: t.number,
    context_usage: NullableNumber,
    // ours
    stopped_at: Stamp,
    last_heartbeat_at: Stamp,
    /** Written for a worker started again in its slot (`rush --resume`): every `[started_at, stopped_at]`. */
    lifetimes: t.array(t.tuple([t.string, Nullable(t.string)])),
  }),
]);
export type WorkerState = t.TypeOf<typeof WorkerState>;

export const LevelState = t.intersection([
  t.type({ status: LevelStatus }),
  t.partial({ started_at: Stamp, completed_at: Stamp }),
]);
export type LevelState = t.TypeOf<typeof LevelState>;

export const ExecutionLogEntry = t.intersection([
  t.type({ timestamp: t.string, event: t.string }),
  t.partial({ data: t.union([t.UnknownRecord, t.null]) }),
]);
export type ExecutionLogEntry = t.TypeOf<typeof ExecutionLogEntry>;

export const StateFile = t.intersection([
  t.type({ feature: t.string }),
  t.partial({
    started_at: Stamp,
    current_level: Nullable(t.number),
    tasks: t.record(t.string, TaskState),
    workers: t.record(t.string, WorkerState),
    levels: t.record(t.string, LevelState),
    execution_log: t.array(ExecutionLogEntry),
    /**
     * The seed's FeatureMetrics dict. Kept loose here: a stale or older-shaped `metrics` from
     * upstream must not make the whole state unreadable; `getMetrics()` decodes it strictly.
     */
    metrics: Nullable(t.UnknownRecord),
    paused: t.boolean,
    error: Nullable(t.string),
  }),
]);
export type StateFile = t.TypeOf<typeof StateFile>;

/** The state of a feature that has not run yet. */
export const initialState = (feature: string): StateFile => ({
  feature,
  started_at: null,
  current_level: null,
  tasks: {},
  workers: {},
  levels: {},
  execution_log: [],
  metrics: null,
  paused: false,
  error: null,
});
