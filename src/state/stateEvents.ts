/**
 * A state file → the lifecycle events it implies. This is how the batch `MetricsCollector`, the
 * state-snapshot source (upstream orchestrators that write only a state file) and `status` on an
 * upstream directory all reach the one reducer: there is no second way of computing metrics.
 *
 * The state file keeps the last attempt of each task; earlier attempts that did not succeed are in
 * `execution_log` (`task_failed` and `task_interrupted` entries with the attempt's
 * `claimed_at`/`started_at`, which `applySnapshot` writes). Upstream files have no `created_at` and often no `level`: a task is then
 * taken as created when the run started, and its level comes from `levelOf` (the task graph) or an
 * `-L<n>-` in its id — else it has none, and none is invented.
 */
import * as E from 'fp-ts/Either';
import { WorkerId, type LifecycleEvent } from '../events/codecs';
import { parseTimestamp, type TimestampOptions } from '../events/timestamp';
import type { StateFile, TaskState } from './codecs';

export interface StateEventsOptions extends TimestampOptions {
  /** Level of a task the state file does not give one (e.g. from the task graph). */
  readonly levelOf?: (taskId: string) => number | undefined;
}

export interface StateEvents {
  readonly events: LifecycleEvent[];
  /** Stamps or ids that could not be read; the events that needed them are left out. */
  readonly unreadable: number;
  /** Of those, stamps past the year 9999 (`+275760-09-13T…`): out of range (DESIGN §8), not merely malformed. */
  readonly outOfRange: number;
}

const LEVEL_IN_ID = /-L(\d+)-/;
/** An ISO stamp with an expanded year (`+275760-…`): what `toISOString` gives past 9999. */
const BEYOND_YEAR_9999 = /^\s*[+-]?\d{5,}-/;

/** Upstream task ids carry their level: `MAHABHARATHA-L2-003` → 2. */
export function levelFromId(taskId: string): number | undefined {
  const m = LEVEL_IN_ID.exec(taskId);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * Order of events stamped the same millisecond, so that a replay follows the lifecycle: a worker
 * finishes one task before it claims the next one that same millisecond, and an attempt that took
 * no time at all ends after it began.
 */
const PHASE = {
  runStart: 0,
  workerStart: 1,
  workerReady: 2,
  created: 3,
  levelStart: 4,
  attemptEnd: 5,
  attemptBegin: 6,
  instantAttemptEnd: 7,
  levelComplete: 8,
  workerStop: 9,
  runEnd: 10,
} as const;
type Phase = (typeof PHASE)[keyof typeof PHASE];

/** The phase of an event that ends an attempt whose last beginning (start, else claim) was at `begun`. */
const endPhase = (ts: number, begun: number | null): Phase => (begun !== null && begun === ts ? PHASE.instantAttemptEnd : PHASE.attemptEnd);

export function eventsFromState(state: StateFile, options: StateEventsOptions = {}): StateEvents {
  const d = new Derived(options);
  const log = state.execution_log ?? [];
  const startedAt = runStart(state, log, d);
  for (const [key, w] of Object.entries(state.workers ?? {})) workerEvents(key, w, d);
  taskEvents(state, log, startedAt, d);
  for (const [key, l] of Object.entries(state.levels ?? {})) levelEvents(key, l, d);
  runEnd(log, d);
  return { events: inLifecycleOrder(d.events, d.stamps, d.phases), unreadable: d.unreadable, outOfRange: d.outOfRange };
}

type ExecutionLog = NonNullable<StateFile['execution_log']>;

/**
 * The events as derived, with their stamps and phases beside them: what the sort reads, in arrays
 * of numbers rather than an object per event (a state file implies millions); and what could not be read.
 */
class Derived {
  readonly events: LifecycleEvent[] = [];
  readonly stamps: number[] = [];
  readonly phases: Phase[] = [];
  unreadable = 0;
  outOfRange = 0;

  constructor(readonly options: StateEventsOptions) {}

  readonly push: Push = (phase, e) => {
    this.events.push(e);
    this.stamps.push(e.ts);
    this.phases.push(phase);
  };

  /** A stamp as epoch ms, or null (absent, or counted as unreadable). */
  readonly at = (stamp: string | null | undefined): number | null => {
    if (stamp === null || stamp === undefined) return null;
    const parsed = parseTimestamp(stamp, this.options);
    if (E.isRight(parsed)) return parsed.right;
    this.unreadable += 1;
    if (BEYOND_YEAR_9999.test(stamp)) this.outOfRange += 1;
    return null;
  };

  readonly workerOf = (id: unknown): number | null => {
    if (id === null || id === undefined) return null;
    const decoded = WorkerId.decode(id);
    if (E.isRight(decoded)) return decoded.right;
    this.unreadable += 1;
    return null;
  };
}

/** The run's start (from the log's `rush_started`, else the file's `started_at`); its stamp, or null. */
function runStart(state: StateFile, log: ExecutionLog, d: Derived): number | null {
  const entry = log.find((e) => e.event === 'rush_started');
  const startedAt = d.at(entry?.timestamp ?? state.started_at);
  if (startedAt !== null) {
    const total = entry?.data?.total_tasks;
    d.push(PHASE.runStart, { type: 'rush_started', ts: startedAt, data: typeof total === 'number' ? { totalTasks: total } : {} });
  }
  return startedAt;
}

function workerEvents(key: string, w: NonNullable<StateFile['workers']>[string], d: Derived): void {
  const id = d.workerOf(w.worker_id ?? key);
  if (id === null) return;
  const ready = d.at(w.ready_at);
  const heartbeat = d.at(w.last_heartbeat_at);
  const ended = w.status === 'stopped' || w.status === 'crashed';
  // A worker started again in its slot lists its lifetimes; one that lived once, its start and stop.
  const lives: [string | null | undefined, string | null | undefined][] = w.lifetimes?.length ? w.lifetimes : [[w.started_at, w.stopped_at]];
  lives.forEach(([from, to], i) => {
    const started = d.at(from);
    const stopped = d.at(to);
    const last = i === lives.length - 1;
    if (started !== null) d.push(PHASE.workerStart, { type: 'worker_started', ts: started, data: { workerId: id } });
    if (stopped !== null && (!last || ended)) {
      d.push(PHASE.workerStop, { type: last && w.status === 'crashed' ? 'worker_crashed' : 'worker_stopped', ts: stopped, data: { workerId: id } });
    }
  });
  if (ready !== null) d.push(PHASE.workerReady, { type: 'worker_ready', ts: ready, data: { workerId: id } });
  if (heartbeat !== null) d.push(PHASE.workerReady, { type: 'worker_heartbeat', ts: heartbeat, data: { workerId: id } });
}

/** Each task: its creation, the failed or interrupted attempts the log keeps, then the attempt its fields describe. */
function taskEvents(state: StateFile, log: ExecutionLog, startedAt: number | null, d: Derived): void {
  const failuresByTask = new Map<string, Record<string, unknown>[]>();
  for (const entry of log) {
    if (entry.event !== 'task_failed' && entry.event !== 'task_interrupted') continue;
    const taskId = entry.data?.task_id;
    if (typeof taskId !== 'string') continue;
    const list = failuresByTask.get(taskId) ?? [];
    list.push({ ...entry.data, timestamp: entry.timestamp, event: entry.event });
    failuresByTask.set(taskId, list);
  }
  for (const [taskId, task] of Object.entries(state.tasks ?? {})) {
    const level = task.level ?? d.options.levelOf?.(taskId) ?? levelFromId(taskId);
    const stamps = stampsOf(task, d.at);
    const created = d.at(task.created_at) ?? startedAt ?? firstStamp(stamps);
    if (created !== null) d.push(PHASE.created, { type: 'task_created', ts: created, data: level === undefined ? { taskId } : { taskId, level } });
    const failures = failuresByTask.get(taskId) ?? [];
    for (const f of failures) loggedFailure(taskId, f, d);
    const loggedClaims = new Set(failures.map((f) => d.at(f.claimed_at as string | null)));
    // A pending task whose last claim ended interrupted: that attempt was replayed from the log.
    if (!(status(task) === 'pending' && stamps.claimed !== null && loggedClaims.has(stamps.claimed))) {
      pushLastAttempt(task, taskId, stamps, failures.some((f) => f.event === 'task_failed'), d);
    }
  }
}

/** A failed or interrupted attempt the log keeps: its claim, its start and its end. */
function loggedFailure(taskId: string, f: Record<string, unknown>, d: Derived): void {
  const workerId = d.workerOf(f.worker_id);
  const failedAt = d.at(f.timestamp as string);
  if (workerId === null || failedAt === null) return;
  const claimed = d.at(f.claimed_at as string | null);
  const started = d.at(f.started_at as string | null);
  if (claimed !== null) d.push(PHASE.attemptBegin, { type: 'task_claimed', ts: claimed, data: { taskId, workerId } });
  if (started !== null) d.push(PHASE.attemptBegin, { type: 'task_started', ts: started, data: { taskId, workerId } });
  const phase = endPhase(failedAt, started ?? claimed);
  if (f.event === 'task_interrupted') d.push(phase, { type: 'task_interrupted', ts: failedAt, data: { taskId, workerId, reason: typeof f.reason === 'string' ? f.reason : 'stopped' } });
  else d.push(phase, { type: 'task_failed', ts: failedAt, data: { taskId, workerId, error: typeof f.error === 'string' ? f.error : null } });
}

function levelEvents(key: string, l: NonNullable<StateFile['levels']>[string], d: Derived): void {
  const level = Number(key);
  if (!Number.isInteger(level) || level < 0) return;
  const started = d.at(l.started_at);
  const completed = d.at(l.completed_at);
  if (started !== null) d.push(PHASE.levelStart, { type: 'level_started', ts: started, data: { level } });
  if (completed !== null && l.status === 'complete') d.push(PHASE.levelComplete, { type: 'level_complete', ts: completed, data: { level } });
}

/** A stop the run was resumed from (`resumed_at`) is a pause; the run's end is the last stop or completion after it. */
function runEnd(log: ExecutionLog, d: Derived): void {
  for (const entry of log) {
    const resumedAt = entry.event === 'rush_stopped' ? entry.data?.resumed_at : undefined;
    if (typeof resumedAt !== 'string') continue;
    const stoppedAt = d.at(entry.timestamp);
    const resumed = d.at(resumedAt);
    if (stoppedAt === null || resumed === null) continue;
    d.push(PHASE.runEnd, { type: 'rush_stopped', ts: stoppedAt, data: {} });
    d.push(PHASE.runStart, { type: 'rush_started', ts: resumed, data: {} });
  }
  const end = [...log].reverse().find((e) => e.event === 'rush_completed' || (e.event === 'rush_stopped' && e.data?.resumed_at === undefined));
  const endedAt = d.at(end?.timestamp);
  const reason = end?.data?.reason;
  const endData = typeof reason === 'string' ? { reason } : {};
  if (end && endedAt !== null) d.push(PHASE.runEnd, { type: end.event === 'rush_completed' ? 'rush_completed' : 'rush_stopped', ts: endedAt, data: endData });
}

type Push = (phase: Phase, e: LifecycleEvent) => void;

/** The events by stamp, then phase; a stable sort: same-ms events of one phase keep the order they were derived in. */
function inLifecycleOrder(derived: readonly LifecycleEvent[], stamps: readonly number[], phases: readonly Phase[]): LifecycleEvent[] {
  const order = new Array<number>(derived.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => (stamps[a] as number) - (stamps[b] as number) || (phases[a] as Phase) - (phases[b] as Phase));
  const events = new Array<LifecycleEvent>(order.length);
  for (let i = 0; i < order.length; i++) events[i] = derived[order[i] as number] as LifecycleEvent;
  return events;
}

const status = (task: TaskState): string => task.status;

interface Emit {
  workerOf: (id: unknown) => number | null;
  push: Push;
}

/** A task's stamps, each read once (an unreadable one is counted once). */
interface TaskStamps {
  readonly claimed: number | null;
  readonly started: number | null;
  readonly completed: number | null;
  readonly updated: number | null;
  readonly failedAt: number | null;
}

const stampsOf = (task: TaskState, at: (stamp: string | null | undefined) => number | null): TaskStamps => ({
  claimed: at(task.claimed_at),
  started: at(task.started_at),
  completed: at(task.completed_at),
  updated: at(task.updated_at),
  failedAt: at(task.failed_at),
});

const present = (stamp: string | null | undefined): boolean => stamp !== null && stamp !== undefined;

/** The attempt the task fields describe (its failures, if logged, were replayed already). */
function pushLastAttempt(task: TaskState, taskId: string, stamps: TaskStamps, failuresLogged: boolean, { workerOf, push }: Emit): void {
  const workerId = workerOf(task.worker_id);
  const { claimed, started, completed } = stamps;
  const status = task.status;
  const failedStatus = status === 'failed' || status === 'waiting_retry';
  // Upstream records no failure time: a failed task's last update (else its completion field) is it.
  const failed = present(task.failed_at) ? stamps.failedAt : !failedStatus ? null : present(task.updated_at) ? stamps.updated : completed;
  // A failed last attempt is in the log when we wrote the file; upstream files only have the task.
  if (failedStatus && failuresLogged) {
    if (status === 'waiting_retry') pushRetry(task, taskId, stamps, push);
    return;
  }
  if (workerId === null) return;
  if (claimed !== null) push(PHASE.attemptBegin, { type: 'task_claimed', ts: claimed, data: { taskId, workerId } });
  if (started !== null) push(PHASE.attemptBegin, { type: 'task_started', ts: started, data: { taskId, workerId } });
  // The attempt's last beginning: an end in that same millisecond must come after it.
  const begun = started ?? claimed;
  if (status === 'complete' && completed !== null) {
    const verification = task.verification_duration_ms;
    const phase = endPhase(completed, begun);
    if (typeof verification === 'number') push(phase, { type: 'verification_passed', ts: completed, data: { taskId, workerId, durationMs: verification } });
    const duration = task.duration_ms;
    push(phase, { type: 'task_complete', ts: completed, data: typeof duration === 'number' ? { taskId, workerId, durationMs: duration } : { taskId, workerId } });
  } else if (failedStatus && failed !== null) {
    push(endPhase(failed, begun), { type: 'task_failed', ts: failed, data: { taskId, workerId, error: task.error ?? null } });
    if (status === 'waiting_retry') pushRetry(task, taskId, stamps, push);
  }
}

function pushRetry(task: TaskState, taskId: string, stamps: TaskStamps, push: Push): void {
  const ts = stamps.updated ?? stamps.failedAt;
  if (ts !== null) push(PHASE.attemptEnd, { type: 'task_retry_scheduled', ts, data: { taskId, retryCount: task.retry_count ?? 1 } });
}

/** The earliest stamp a task carries, for a creation time when the file has none. */
function firstStamp({ claimed, started, completed, updated }: TaskStamps): number | null {
  const known = [claimed, started, completed, updated].filter((n): n is number => n !== null);
  return known.length > 0 ? Math.min(...known) : null;
}
