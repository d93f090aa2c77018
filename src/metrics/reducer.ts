/**
 * The reducer (DESIGN §2, §4.3): `(RunState, ReducerInput) → RunState`, pure, total and clock-free.
 *
 * The state is updated in place (see `runState.ts`); everything per event is O(1): counters, sums,
 * `Series.add`, one lookup of the task and of the worker an event names. Percentiles, sorting and
 * every allocation a reader needs happen in `snapshotOf`, which only sinks call, at their own pace.
 */
import type { EventOf, LifecycleEvent } from '../events/codecs';
import type { RejectionReason } from '../events/decode';
import type { IngestCounter } from './snapshot';
import { ensureLevel, ensureTask, ensureWorker, pushRecent, setLevel, type RunState } from './runState';
import { claimTask, completeTask, endAttempt, failTask, interruptTask, startTask } from './taskAttempts';

/**
 * What flows into `scan`: a decoded event, a rejected input, or a counter bumped upstream of it;
 * `offset`, when it came from the events log, is the byte offset after its line; `streamId`, when
 * it came from the broker, the id of its stream entry.
 */
export type ReducerInput =
  | { readonly kind: 'event'; readonly event: LifecycleEvent; readonly offset?: number; readonly line?: string; readonly lineHash?: number; readonly streamId?: string }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason; readonly offset?: number }
  | { readonly kind: 'count'; readonly counter: IngestCounter; readonly by?: number; readonly offset?: number };

/** Events that, after the run ended, mean it was resumed. */
const RESUMES_RUN = new Set<LifecycleEvent['type']>(['rush_started', 'worker_started', 'level_started', 'task_claimed', 'task_started']);

export function reduce(state: RunState, input: ReducerInput): RunState {
  // Where the fold stands in the log: a rejected or duplicate line moves it too.
  if (input.offset !== undefined && input.offset > state.eventsOffset) state.eventsOffset = input.offset;
  if (input.kind === 'event' && input.streamId !== undefined) state.streamId = input.streamId;
  switch (input.kind) {
    case 'event':
      // What the dedupe remembers of an event without producer+seq, kept so that a restart does too.
      if (input.event.producer === undefined || input.event.seq === undefined) {
        if (input.lineHash !== undefined) state.recentLines.noteHash(input.lineHash);
        else if (input.line !== undefined) state.recentLines.note(input.line);
      }
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
  if (state.endKind !== null && RESUMES_RUN.has(e.type)) resume(state, ts);

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
      const w = ensureWorker(state, e.data.workerId, ts);
      if (w.lastHeartbeatAt === null || ts > w.lastHeartbeatAt) w.lastHeartbeatAt = ts;
      return;
    }
    case 'worker_ready':
      return workerReady(state, e.data.workerId, ts);
    case 'worker_stopped':
    case 'worker_crashed':
      return stopWorker(state, e, ts);
    case 'task_created': {
      const task = ensureTask(state, e.data.taskId);
      if (task.createdAt === null) task.createdAt = ts;
      if (e.data.level !== undefined) setLevel(state, task, e.data.level);
      return;
    }
    case 'task_claimed':
      return claimTask(state, e);
    case 'task_started':
      return startTask(state, e);
    case 'verification_passed':
    case 'verification_failed':
      return verified(state, e);
    case 'task_complete':
      return completeTask(state, e);
    case 'task_failed':
      return failTask(state, e);
    case 'task_interrupted':
      return interruptTask(state, e);
    case 'task_retry_scheduled': {
      const task = ensureTask(state, e.data.taskId);
      if (task.status !== 'complete') task.status = 'waiting_retry';
      return;
    }
    case 'level_started':
      return startLevel(state, e);
    case 'level_complete': {
      const level = ensureLevel(state, e.data.level);
      if (level.completedAt === null) level.completedAt = ts;
      return;
    }
  }
}

/**
 * New work after the run ended means it was resumed: it is running again, its duration grows, and
 * the time it stood stopped is a pause (left out of its active duration).
 */
function resume(state: RunState, ts: number): void {
  if (state.endedAt !== null && ts > state.endedAt) state.pauses.push([state.endedAt, ts]);
  state.endKind = null;
  state.endedAt = null;
  state.endReason = null;
}

function verified(state: RunState, e: EventOf<'verification_passed'> | EventOf<'verification_failed'>): void {
  const task = ensureTask(state, e.data.taskId);
  if (e.data.durationMs < 0) state.ingest.negativeDurations += 1;
  else task.verificationMs = Math.trunc(e.data.durationMs);
  if (task.status === 'in_progress') task.status = 'verifying';
}

/** A level begins: the tasks it names (a count, or their ids, which places them in it). */
function startLevel(state: RunState, e: EventOf<'level_started'>): void {
  const level = ensureLevel(state, e.data.level);
  if (level.startedAt === null) level.startedAt = e.ts;
  const tasks = e.data.tasks;
  if (typeof tasks === 'number') level.declaredTasks = Math.max(level.declaredTasks, tasks);
  else if (tasks) for (const id of tasks) setLevel(state, ensureTask(state, id), level.level);
}

function workerReady(state: RunState, id: number, ts: number): void {
  const w = ensureWorker(state, id, ts);
  if (w.startedAt === null) state.ingest.outOfOrder += 1;
  if (w.readyAt === null) w.readyAt = ts;
  if (w.status === 'initializing') w.status = 'ready';
}

/** A worker starts; started again after a stop or crash, it begins a new lifetime in the same slot. */
function startWorker(state: RunState, id: number, ts: number): void {
  const w = ensureWorker(state, id, ts);
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
  const w = ensureWorker(state, e.data.workerId, ts);
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
