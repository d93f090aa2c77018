/**
 * The run state the reducer folds events into (DESIGN §4.3), and how its parts come to be.
 *
 * For speed it is updated in place (a new object per event alone would cap the fold near 3M
 * events/s): create one per subscription (`createRunState` inside `defer`), never share it. Only
 * `snapshotOf` and `checkpointOf` read it for others, and they copy what they hand out.
 */
import type { LifecycleEvent } from '../events/codecs';
import type { RejectionReason } from '../events/decode';
import { AttemptLog } from './attempts';
import { RecentLines } from './recentLines';
import { SeenSeqs } from './seenSeqs';
import { Series } from './series';
import { emptyIngest, type IngestCounters } from './snapshot';
import { TaskAcc, TaskTimes } from './taskAcc';
import { TaskTable } from './taskTable';

export type WorkerStatus = 'initializing' | 'ready' | 'running' | 'idle' | 'stopped' | 'crashed';

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
  readonly tasks: TaskTable;
  /** Where those tasks keep their times. */
  readonly taskTimes: TaskTimes;
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
  /**
   * The task named last. The next event often names it again (a claim and its start, a failure
   * and its retry, a verification and the completion): comparing ids is cheaper than a lookup.
   */
  lastTask: TaskAcc | null;
  /** The level named last (a level's events come together: its claims, completions). */
  lastLevel: LevelAcc | null;
}

/** Latest events kept for the recent-events log. */
const RECENT_EVENTS = 50;

/** The state of a run no event was folded into yet. */
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
    tasks: new TaskTable(),
    taskTimes: new TaskTimes(),
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
    attempts: new AttemptLog(),
    lastTask: null,
    lastLevel: null,
  };
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

/** The worker `id`, made when first named; any event naming it is its latest activity. */
export function ensureWorker(state: RunState, id: number, ts: number): WorkerAcc {
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

/** The task `id`, made (pending) when first named. */
export function ensureTask(state: RunState, id: string): TaskAcc {
  const last = state.lastTask;
  if (last !== null && last.id === id) return last;
  let task = state.tasks.get(id);
  if (task === undefined) {
    task = new TaskAcc(id, state.taskTimes);
    state.tasks.set(task);
  }
  state.lastTask = task;
  return task;
}

/** Level `n`, made when first named. */
export function ensureLevel(state: RunState, n: number): LevelAcc {
  let level = findLevel(state, n);
  if (level === undefined) {
    level = { level: n, startedAt: null, completedAt: null, declaredTasks: 0, running: 0, maxParallel: 0, durations: new Series() };
    state.levels.set(n, level);
    state.lastLevel = level;
  }
  return level;
}

/** Level `n`, if any event named it. */
export function findLevel(state: RunState, n: number): LevelAcc | undefined {
  const last = state.lastLevel;
  if (last !== null && last.level === n) return last;
  const level = state.levels.get(n);
  if (level !== undefined) state.lastLevel = level;
  return level;
}

/** A task belongs to one level; a later `task_created` naming another level moves it. */
export function setLevel(state: RunState, task: TaskAcc, n: number): void {
  if (task.level !== n) ensureLevel(state, n);
  task.level = n;
}
