/**
 * Lifecycle events (DESIGN §3.2). On the wire: `{timestamp, type, feature, data: {...snake_case}}`
 * plus optional `producer`/`seq`. In code: `{type, ts, feature?, producer?, seq?, data: {...camelCase}}`
 * with `ts` in epoch milliseconds. Each `data` codec is the type of that event's payload.
 */
import * as t from 'io-ts';
import { NonNegativeInt, snakeCased } from '../codecs/snakeCase';

/** Worker ids are integers upstream; a numeric string (a state-file key) is accepted too. */
export const WorkerId = new t.Type<number, number, unknown>(
  'WorkerId',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) => {
    const n = typeof u === 'string' && /^\d+$/.test(u) ? Number(u) : u;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? t.success(n) : t.failure(u, c, 'expected a worker id (integer ≥ 0)');
  },
  t.identity,
);
export type WorkerId = t.TypeOf<typeof WorkerId>;

export const TaskId = t.string;
export const Level = NonNegativeInt;
/** A duration measured by its producer: a finite number of ms (a negative one is kept and counted later). */
export const Millis = t.refinement(t.number, Number.isFinite, 'Millis');

/**
 * Why a run ended (`rush_stopped`, `rush_completed`): a signal, a task that failed for good, or an
 * error of the orchestrator. A string on the wire: a reason a newer producer adds is kept, not
 * rejected (rejecting the line would lose the end of the run); the reducer reads the ones it knows.
 */
export const STOP_REASONS = ['signal', 'failed_task', 'error'] as const;
export type StopReason = (typeof STOP_REASONS)[number];
const runEnd = snakeCased(t.partial({ reason: t.string }));
const worker = snakeCased(t.type({ workerId: WorkerId }));
const workerEnd = snakeCased(t.intersection([t.type({ workerId: WorkerId }), t.partial({ error: t.union([t.string, t.null]) })]));
const taskOnWorker = snakeCased(t.type({ taskId: TaskId, workerId: WorkerId }));
const verification = snakeCased(t.type({ taskId: TaskId, workerId: WorkerId, durationMs: Millis }));

/** Payload codec of each canonical event type. */
export const EventData = {
  // `cwd`: the directory the run's task commands run in.
  rush_started: snakeCased(t.partial({ workers: NonNegativeInt, totalTasks: NonNegativeInt, cwd: t.string })),
  worker_started: worker,
  worker_ready: worker,
  worker_stopped: workerEnd,
  worker_crashed: workerEnd,
  // `level` may be unknown (an upstream task without one): the task is counted, in no level.
  task_created: snakeCased(t.intersection([t.type({ taskId: TaskId }), t.partial({ level: Level })])),
  task_claimed: taskOnWorker,
  task_started: taskOnWorker,
  verification_passed: verification,
  verification_failed: verification,
  task_complete: snakeCased(t.intersection([t.type({ taskId: TaskId, workerId: WorkerId }), t.partial({ durationMs: Millis })])),
  // `exit_code`: the command's, when it exited (not when it was killed or timed out).
  task_failed: snakeCased(t.intersection([t.type({ taskId: TaskId, workerId: WorkerId }), t.partial({ error: t.union([t.string, t.null]), exitCode: NonNegativeInt })])),
  task_retry_scheduled: snakeCased(
    t.intersection([t.type({ taskId: TaskId, retryCount: NonNegativeInt }), t.partial({ nextRetryAt: t.union([t.string, t.null]) })]),
  ),
  level_started: snakeCased(t.intersection([t.type({ level: Level }), t.partial({ tasks: t.union([NonNegativeInt, t.array(t.string)]) })])),
  level_complete: snakeCased(t.type({ level: Level })),
  rush_completed: runEnd,
  rush_stopped: runEnd,
  // Sent every few seconds while a worker lives, busy (`task_id`) or not.
  worker_heartbeat: snakeCased(t.intersection([t.type({ workerId: WorkerId }), t.partial({ taskId: t.union([TaskId, t.null]) })])),
  // An attempt cut short by a stop: the task goes back to wait for a claim; not a failure.
  task_interrupted: snakeCased(t.type({ taskId: TaskId, workerId: WorkerId, reason: t.string })),
} as const;

export type EventType = keyof typeof EventData;
export const EVENT_TYPES = Object.keys(EventData) as EventType[];

/** Names accepted on input for a canonical type (upstream and log spellings). */
export const EVENT_ALIASES: Readonly<Record<string, EventType>> = {
  worker_spawned: 'worker_started',
  task_completed: 'task_complete',
  task_fail: 'task_failed',
  level_start: 'level_started',
  level_completed: 'level_complete',
};

/** The wire envelope, before the payload is checked against its type. */
export const EventEnvelope = t.intersection([
  t.type({ timestamp: t.string, type: t.string }),
  t.partial({
    feature: t.string,
    producer: t.string,
    seq: NonNegativeInt,
    data: t.UnknownRecord,
  }),
]);
export type EventEnvelope = t.TypeOf<typeof EventEnvelope>;

interface Meta {
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly feature?: string;
  readonly producer?: string;
  readonly seq?: number;
}

export type EventOf<K extends EventType> = Meta & { readonly type: K; readonly data: t.TypeOf<(typeof EventData)[K]> };
export type LifecycleEvent = { [K in EventType]: EventOf<K> }[EventType];

/** The wire form of an event, as written to `{feature}-events.jsonl`. */
export interface WireEvent {
  timestamp: string;
  type: EventType;
  feature?: string;
  producer?: string;
  seq?: number;
  data: Record<string, unknown>;
}
