/**
 * The reducer (DESIGN §2, §4.3): `(RunState, ReducerInput) → RunState`, pure, total and clock-free.
 *
 * For speed the accumulator is updated in place (a new object per event alone would cap the fold
 * near 3M events/s); create one per subscription (`createRunState` inside `defer`), never share it.
 * Everything per event is O(1): counters, sums, and `Series.add`. Percentiles, sorting and every
 * allocation a reader needs happen in `snapshotOf`, which only sinks call, at their own pace.
 */
import type { EventOf, LifecycleEvent } from '../events/codecs';
import type { RejectionReason } from '../events/decode';
import { RecentLines } from './recentLines';
import { SeenSeqs } from './seenSeqs';
import { attemptStarted, type AttemptLog, closeAttempt, createAttemptLog, interruptAttempt, openAttempt } from './attempts';
import { Series } from './series';
import { emptyIngest, type IngestCounter, type IngestCounters } from './snapshot';

/**
 * What flows into `scan`: a decoded event, a rejected input, or a counter bumped upstream of it;
 * `offset`, when it came from the events log, is the byte offset after its line; `streamId`, when
 * it came from the broker, the id of its stream entry.
 */
export type ReducerInput =
  | { readonly kind: 'event'; readonly event: LifecycleEvent; readonly offset?: number; readonly line?: string; readonly streamId?: string }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason; readonly offset?: number }
  | { readonly kind: 'count'; readonly counter: IngestCounter; readonly by?: number; readonly offset?: number };

export type TaskStatus = 'pending' | 'claimed' | 'in_progress' | 'verifying' | 'complete' | 'failed' | 'waiting_retry';
export type WorkerStatus = 'initializing' | 'ready' | 'running' | 'idle' | 'stopped' | 'crashed';

export interface TaskAcc {
  readonly id: string;
  level: number | null;
  status: TaskStatus;
  workerId: number | null;
  createdAt: number | null;
  /** First claim: queue wait is measured to it. */
  firstClaimedAt: number | null;
  /** Claim and start of the latest attempt. */
  claimedAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  /** Execution duration of the successful attempt; null until complete (or when it was negative). */
  durationMs: number | null;
  verificationMs: number | null;
  attempts: number;
  error: string | null;
  /** True while an attempt is claimed and not yet finished (for max_parallel). */
  running: boolean;
  /** How its latest finished attempt ended: a failure counts until a success, an interruption does not. */
  lastOutcome: AttemptOutcome | null;
}

export type AttemptOutcome = 'complete' | 'failed' | 'interrupted';

export interface WorkerAcc {
  readonly id: number;
  status: WorkerStatus;
  /** First start (initialization is measured from it). */
  startedAt: number | null;
  /** Start of the current (or last) lifetime: a worker started again after a stop lives again in its slot. */
  lifetimeStartedAt: number | null;
  /** Its earlier lifetimes, `[started, stopped]` (a resume reuses the slot; uptime sums them). */
  readonly pastLifetimes: [number, number][];
  lastHeartbeatAt: number | null;
  readyAt: number | null;
  stoppedAt: number | null;
  lastTaskCompletedAt: number | null;
  lastEventAt: number | null;
  currentTask: string | null;
  tasksCompleted: number;
  tasksFailed: number;
  /** Σ execution durations of the tasks it completed, and how many of them had one. */
  totalTaskMs: number;
  timedTasks: number;
  /** Time spent on finished attempts, and when the current one was claimed. */
  busyMs: number;
  busySince: number | null;
}

export interface LevelAcc {
  readonly level: number;
  startedAt: number | null;
  completedAt: number | null;
  declaredTasks: number;
  running: number;
  maxParallel: number;
  /** Execution durations of its completed tasks. */
  readonly durations: Series;
}

/**
 * An attempt that did not succeed: it failed, or was interrupted by a stop (not a failure). Whether
 * the task recovered is read off the task when a snapshot is made.
 */
export interface FailureAcc {
  readonly kind: 'failed' | 'interrupted';
  readonly ts: number;
  readonly taskId: string;
  readonly workerId: number | null;
  readonly attempt: number;
  readonly error: string | null;
  readonly claimedAt: number | null;
  readonly startedAt: number | null;
}

type MutableIngest = { -readonly [K in keyof IngestCounters]: IngestCounters[K] } & {
  invalidLines: Partial<Record<RejectionReason, number>>;
};

export interface RunState {
  feature: string | null;
  rushStartedAt: number | null;
  firstEventAt: number | null;
  lastEventAt: number | null;
  endedAt: number | null;
  endKind: 'completed' | 'stopped' | null;
  /** `reason` of the end event (`signal`, `failed_task`, `error`, ...); null when it gave none. */
  endReason: string | null;
  /** Gaps between a stop and the activity that resumed the run: `[stoppedAt, resumedAt]`. */
  readonly pauses: [number, number][];
  declaredTasks: number;
  readonly tasks: Map<string, TaskAcc>;
  readonly workers: Map<number, WorkerAcc>;
  readonly levels: Map<number, LevelAcc>;
  /** Execution durations of every completed task. */
  durations: Series;
  /** Ring buffer of the latest events (summaries are built only at snapshot time). */
  readonly recent: (LifecycleEvent | undefined)[];
  recentNext: number;
  readonly failures: FailureAcc[];
  readonly ingest: MutableIngest;
  /** Where the folded input stands (restart replays after it). */
  eventsOffset: number;
  /** Id of the last broker stream entry folded (restart reads the stream after it). */
  streamId: string | null;
  /** The seqs folded per producer (restored from a checkpoint). */
  seenSeqs: SeenSeqs;
  /** The latest lines folded of events without producer+seq, as the dedupe's window holds them. */
  recentLines: RecentLines;
  /** Every attempt of every task (exports, `status --task`, the timeline). */
  attempts: AttemptLog;
}

const RECENT_EVENTS = 50;
const RESUMES_RUN = new Set<LifecycleEvent['type']>(['rush_started', 'worker_started', 'level_started', 'task_claimed', 'task_started']);
/** Failures kept for the failures section; older ones are still counted in the metrics. */
const MAX_FAILURES = 1000;

export function createRunState(feature: string | null = null): RunState {
  return {
    feature,
    rushStartedAt: null,
    firstEventAt: null,
    lastEventAt: null,
    endedAt: null,
    endKind: null,
    endReason: null,
    pauses: [],
    declaredTasks: 0,
    tasks: new Map(),
    workers: new Map(),
    levels: new Map(),
    durations: new Series(),
    recent: new Array<LifecycleEvent | undefined>(RECENT_EVENTS),
    recentNext: 0,
    failures: [],
    ingest: { ...emptyIngest(), invalidLines: {} },
    eventsOffset: 0,
    streamId: null,
    seenSeqs: new SeenSeqs(),
    recentLines: new RecentLines(),
    attempts: createAttemptLog(),
  };
}

export function reduce(state: RunState, input: ReducerInput): RunState {
  // Where the fold stands in the log: a rejected or duplicate line moves it too.
  if (input.offset !== undefined && input.offset > state.eventsOffset) state.eventsOffset = input.offset;
  if (input.kind === 'event' && input.streamId !== undefined) state.streamId = input.streamId;
  switch (input.kind) {
    case 'event':
      // What the dedupe remembers of an event without producer+seq, kept so that a restart does too.
      if (input.line !== undefined && (input.event.producer === undefined || input.event.seq === undefined)) state.recentLines.note(input.line);
      // Ranges were checked where the event entered: by the decoders, or by the source that made it (`madeEvent`).
      applyEvent(state, input.event);
      return state;
    case 'rejected':
      if (input.reason === 'unknown_type') state.ingest.unknownEvents += 1;
      else state.ingest.invalidLines[input.reason] = (state.ingest.invalidLines[input.reason] ?? 0) + 1;
      return state;
    case 'count':
      state.ingest[input.counter] += input.by ?? 1;
      return state;
  }
}

function applyEvent(state: RunState, e: LifecycleEvent): void {
  const ts = e.ts;
  if (state.firstEventAt === null || ts < state.firstEventAt) state.firstEventAt = ts;
  if (state.lastEventAt === null || ts > state.lastEventAt) state.lastEventAt = ts;
  if (e.producer !== undefined && e.seq !== undefined) state.seenSeqs.note(e.producer, e.seq);
  // Heartbeats say nothing happened: kept out of the recent events, which they would flood.
  if (e.type !== 'worker_heartbeat') pushRecent(state, e);
  // New work after the run ended means it was resumed: it is running again, its duration grows,
  // and the time it stood stopped is a pause (left out of its active duration).
  if (state.endKind !== null && RESUMES_RUN.has(e.type)) {
    if (state.endedAt !== null && ts > state.endedAt) state.pauses.push([state.endedAt, ts]);
    state.endKind = null;
    state.endedAt = null;
    state.endReason = null;
  }

  switch (e.type) {
    case 'rush_started':
      if (state.rushStartedAt === null) state.rushStartedAt = ts;
      if (e.data.totalTasks !== undefined && e.data.totalTasks > state.declaredTasks) state.declaredTasks = e.data.totalTasks;
      return;
    case 'rush_completed':
    case 'rush_stopped':
      state.endedAt = ts;
      state.endKind = e.type === 'rush_completed' ? 'completed' : 'stopped';
      state.endReason = e.data.reason ?? null;
      return;
    case 'worker_started':
      return startWorker(state, e.data.workerId, ts);
    case 'worker_heartbeat': {
      const w = workerOf(state, e.data.workerId, ts);
      if (w.lastHeartbeatAt === null || ts > w.lastHeartbeatAt) w.lastHeartbeatAt = ts;
      return;
    }
    case 'worker_ready': {
      const w = workerOf(state, e.data.workerId, ts);
      if (w.startedAt === null) state.ingest.outOfOrder += 1;
      if (w.readyAt === null) w.readyAt = ts;
      if (w.status === 'initializing') w.status = 'ready';
      return;
    }
    case 'worker_stopped':
    case 'worker_crashed':
      return stopWorker(state, e, ts);
    case 'task_created': {
      const task = taskOf(state, e.data.taskId);
      if (task.createdAt === null) task.createdAt = ts;
      if (e.data.level !== undefined) setLevel(state, task, e.data.level);
      return;
    }
    case 'task_claimed': {
      const task = openTask(state, e.data.taskId);
      if (task !== null) claim(state, task, e.data.workerId, ts);
      return;
    }
    case 'task_started': {
      const task = openTask(state, e.data.taskId);
      if (task === null) return;
      // Upstream logs report starts without claims: the start is then the claim.
      if (!task.running) claim(state, task, e.data.workerId, ts);
      else workerOf(state, e.data.workerId, ts);
      task.startedAt = ts;
      attemptStarted(state.attempts, task.id, ts);
      task.status = 'in_progress';
      return;
    }
    case 'verification_passed':
    case 'verification_failed': {
      const task = taskOf(state, e.data.taskId);
      if (e.data.durationMs < 0) state.ingest.negativeDurations += 1;
      else task.verificationMs = Math.trunc(e.data.durationMs);
      if (task.status === 'in_progress') task.status = 'verifying';
      return;
    }
    case 'task_complete':
      return complete(state, e, ts);
    case 'task_failed':
      return fail(state, e, ts);
    case 'task_interrupted':
      return interrupt(state, e, ts);
    case 'task_retry_scheduled': {
      const task = taskOf(state, e.data.taskId);
      if (task.status !== 'complete') task.status = 'waiting_retry';
      return;
    }
    case 'level_started': {
      const level = levelOf(state, e.data.level);
      if (level.startedAt === null) level.startedAt = ts;
      const tasks = e.data.tasks;
      if (typeof tasks === 'number') level.declaredTasks = Math.max(level.declaredTasks, tasks);
      else if (tasks) for (const id of tasks) setLevel(state, taskOf(state, id), level.level);
      return;
    }
    case 'level_complete': {
      const level = levelOf(state, e.data.level);
      if (level.completedAt === null) level.completedAt = ts;
      return;
    }
  }
}

/** Keeps `e` among the latest events (a ring of `RECENT_EVENTS`). */
export function pushRecent(state: RunState, e: LifecycleEvent): void {
  state.recent[state.recentNext] = e;
  state.recentNext = (state.recentNext + 1) % RECENT_EVENTS;
}

/** The latest events, oldest first. */
export function recentEvents(state: RunState): LifecycleEvent[] {
  const out: LifecycleEvent[] = [];
  for (let i = 0; i < RECENT_EVENTS; i++) {
    const e = state.recent[(state.recentNext + i) % RECENT_EVENTS];
    if (e) out.push(e);
  }
  return out;
}

function workerOf(state: RunState, id: number, ts: number): WorkerAcc {
  let w = state.workers.get(id);
  if (w === undefined) {
    w = {
      id,
      status: 'initializing',
      startedAt: null,
      readyAt: null,
      lifetimeStartedAt: null,
      pastLifetimes: [],
      lastHeartbeatAt: null,
      stoppedAt: null,
      lastTaskCompletedAt: null,
      lastEventAt: null,
      currentTask: null,
      tasksCompleted: 0,
      tasksFailed: 0,
      totalTaskMs: 0,
      timedTasks: 0,
      busyMs: 0,
      busySince: null,
    };
    state.workers.set(id, w);
  }
  if (w.lastEventAt === null || ts > w.lastEventAt) w.lastEventAt = ts;
  return w;
}

function taskOf(state: RunState, id: string): TaskAcc {
  let task = state.tasks.get(id);
  if (task === undefined) {
    task = {
      id,
      level: null,
      status: 'pending',
      workerId: null,
      createdAt: null,
      firstClaimedAt: null,
      claimedAt: null,
      startedAt: null,
      completedAt: null,
      failedAt: null,
      durationMs: null,
      verificationMs: null,
      attempts: 0,
      error: null,
      running: false,
      lastOutcome: null,
    };
    state.tasks.set(id, task);
  }
  return task;
}

function levelOf(state: RunState, n: number): LevelAcc {
  let level = state.levels.get(n);
  if (level === undefined) {
    level = { level: n, startedAt: null, completedAt: null, declaredTasks: 0, running: 0, maxParallel: 0, durations: new Series() };
    state.levels.set(n, level);
  }
  return level;
}

/** A task belongs to one level; a later `task_created` naming another level moves it. */
function setLevel(state: RunState, task: TaskAcc, n: number): void {
  if (task.level !== n) levelOf(state, n);
  task.level = n;
}

/** The task an attempt event is about, or null when it is already complete (counted: out of order). */
function openTask(state: RunState, id: string): TaskAcc | null {
  const task = taskOf(state, id);
  if (task.status !== 'complete') return task;
  state.ingest.outOfOrder += 1;
  return null;
}

function claim(state: RunState, task: TaskAcc, workerId: number, ts: number): void {
  if (task.running) endAttempt(state, task, ts);
  const w = workerOf(state, workerId, ts);
  task.workerId = w.id;
  task.claimedAt = ts;
  if (task.firstClaimedAt === null) task.firstClaimedAt = ts;
  task.startedAt = null;
  task.status = 'claimed';
  task.attempts += 1;
  task.running = true;
  openAttempt(state.attempts, task.id, task.attempts, w.id, ts);
  w.currentTask = task.id;
  w.status = 'running';
  w.busySince = ts;
  if (task.level !== null) {
    const level = levelOf(state, task.level);
    level.running += 1;
    if (level.running > level.maxParallel) level.maxParallel = level.running;
  }
}

/** Closes the running attempt of a task: level concurrency and the worker's busy time. */
function endAttempt(state: RunState, task: TaskAcc, ts: number): void {
  if (!task.running) return;
  task.running = false;
  // Ended without an outcome of its own (claimed again, its worker gone): abandoned.
  closeAttempt(state.attempts, task.id, ts, 'abandoned');
  if (task.level !== null) {
    const level = state.levels.get(task.level);
    if (level && level.running > 0) level.running -= 1;
  }
  const w = task.workerId === null ? undefined : state.workers.get(task.workerId);
  if (w && w.currentTask === task.id) {
    if (w.busySince !== null && ts >= w.busySince) w.busyMs += ts - w.busySince;
    w.busySince = null;
    w.currentTask = null;
    if (w.status === 'running') w.status = 'idle';
  }
}

function complete(state: RunState, e: EventOf<'task_complete'>, ts: number): void {
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  if (!task.running) state.ingest.outOfOrder += 1;
  const measured = e.data.durationMs ?? (task.startedAt === null ? null : ts - task.startedAt);
  let duration: number | null = null;
  if (measured !== null) {
    if (measured < 0) state.ingest.negativeDurations += 1;
    else duration = Math.trunc(measured);
  }
  closeAttempt(state.attempts, task.id, ts, 'complete');
  endAttempt(state, task, ts);
  task.workerId = e.data.workerId;
  task.status = 'complete';
  task.completedAt = ts;
  task.durationMs = duration;
  task.error = null;
  task.lastOutcome = 'complete';

  const w = workerOf(state, e.data.workerId, ts);
  w.tasksCompleted += 1;
  w.lastTaskCompletedAt = ts;
  if (duration !== null) {
    w.totalTaskMs += duration;
    w.timedTasks += 1;
    state.durations.add(duration);
    if (task.level !== null) levelOf(state, task.level).durations.add(duration);
  }
}

function fail(state: RunState, e: EventOf<'task_failed'>, ts: number): void {
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  // A failure with no attempt in flight (upstream logs failures without their claims, and a task
  // can fail before it starts) is still an attempt that failed.
  if (!task.running) {
    task.attempts += 1;
    openAttempt(state.attempts, task.id, task.attempts, e.data.workerId, null);
  }
  const claimedAt = task.running ? task.claimedAt : null;
  const startedAt = task.running ? task.startedAt : null;
  closeAttempt(state.attempts, task.id, ts, 'failed', e.data.error ?? null, e.data.exitCode ?? null);
  endAttempt(state, task, ts);
  task.status = 'failed';
  task.failedAt = ts;
  task.error = e.data.error ?? null;
  task.workerId = e.data.workerId;
  task.lastOutcome = 'failed';
  const w = workerOf(state, e.data.workerId, ts);
  w.tasksFailed += 1;
  if (state.failures.length < MAX_FAILURES) {
    state.failures.push({ kind: 'failed', ts, taskId: task.id, workerId: w.id, attempt: task.attempts, error: task.error, claimedAt, startedAt });
  }
}

/**
 * An attempt cut short by a stop (DESIGN §4.3): it ends (busy time, level concurrency) and the task
 * waits for a claim again; it is no failure, and the next claim is the next attempt. An interruption
 * with no attempt in flight (its attempt already ended with its worker) is the latest attempt's.
 */
function interrupt(state: RunState, e: EventOf<'task_interrupted'>, ts: number): void {
  const task = openTask(state, e.data.taskId);
  if (task === null) return;
  if (task.attempts === 0) task.attempts = 1;
  const claimedAt = task.running ? task.claimedAt : null;
  const startedAt = task.running ? task.startedAt : null;
  interruptAttempt(state.attempts, task.id, ts, e.data.reason);
  endAttempt(state, task, ts);
  task.status = 'pending';
  task.lastOutcome = 'interrupted';
  workerOf(state, e.data.workerId, ts);
  if (state.failures.length < MAX_FAILURES) {
    state.failures.push({ kind: 'interrupted', ts, taskId: task.id, workerId: e.data.workerId, attempt: task.attempts, error: e.data.reason, claimedAt, startedAt });
  }
}

/** A worker starts; started again after a stop or crash, it begins a new lifetime in the same slot. */
function startWorker(state: RunState, id: number, ts: number): void {
  const w = workerOf(state, id, ts);
  if (w.startedAt === null) w.startedAt = ts;
  if (w.lifetimeStartedAt === null) w.lifetimeStartedAt = ts;
  else if (w.stoppedAt !== null) {
    w.pastLifetimes.push([w.lifetimeStartedAt, w.stoppedAt]);
    w.lifetimeStartedAt = ts;
    w.stoppedAt = null;
  }
  w.status = 'initializing';
}

function stopWorker(state: RunState, e: EventOf<'worker_stopped'> | EventOf<'worker_crashed'>, ts: number): void {
  const w = workerOf(state, e.data.workerId, ts);
  if (w.currentTask !== null) {
    const task = state.tasks.get(w.currentTask);
    if (task) {
      endAttempt(state, task, ts);
      // The attempt was abandoned with its worker; the task waits to be claimed again.
      if (task.status !== 'complete' && task.status !== 'failed') task.status = 'pending';
    }
  }
  if (w.stoppedAt === null) w.stoppedAt = ts;
  w.status = e.type === 'worker_crashed' ? 'crashed' : 'stopped';
}

export { snapshotOf } from './snapshotOf';
export { checkpointOf, restoreRunState } from './checkpoint';
