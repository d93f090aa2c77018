/**
 * A RunState as JSON, stored with the metrics in the state file, so that a restarted processor
 * resumes the fold exactly where it stood (DESIGN §3.1 `source`) instead of re-reading the whole
 * events log. Restoring validates the shape: a checkpoint we cannot trust is refused, and the
 * caller rebuilds from the log. Version 1 (before exact dedupe) is read too: its fields added since
 * take their neutral values, and its `seqHwm` is read as the range 0..hwm of each producer.
 */
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { describeErrors } from '../codecs/snakeCase';
import { decodeEvent, encodeEvent } from '../events/decode';
import { inDurationRange, inTimestampRange, MAX_ID, MAX_TASKS } from '../events/range';
import { RecentLines } from './recentLines';
import { createRunState, pushRecent, recentEvents, type RunState } from './runState';
import { SeenSeqs } from './seenSeqs';
import { TaskAcc } from './taskAcc';
import { SeqRanges } from './types';
import { AttemptLog, NO_ATTEMPT } from './attempts';
import { Series } from './series';

const S = t.union([t.string, t.null]);
/** Bounded figures (DESIGN §8): a checkpoint holding a stamp of 9e15 or a worker 1e23 is refused as out of range. */
const OUT_OF_RANGE = 'out_of_range';
const Moment = t.refinement(t.number, inTimestampRange, OUT_OF_RANGE);
const Instant = t.union([Moment, t.null]);
/** A stretch of time, `[from, to]` (a worker's lifetime, a pause). */
const Span = t.tuple([Moment, Moment]);
const Duration = t.union([t.refinement(t.number, inDurationRange, OUT_OF_RANGE), t.null]);
const Id = t.refinement(t.number, (n) => n >= 0 && n <= MAX_ID, OUT_OF_RANGE);
const IdOrNull = t.union([Id, t.null]);

const TaskJson = t.intersection([
  t.type({
    id: t.string,
    level: IdOrNull,
    status: t.keyof({ pending: null, claimed: null, in_progress: null, verifying: null, complete: null, failed: null, waiting_retry: null }),
    workerId: IdOrNull,
    createdAt: Instant,
    firstClaimedAt: Instant,
    claimedAt: Instant,
    startedAt: Instant,
    completedAt: Instant,
    failedAt: Instant,
    durationMs: Duration,
    verificationMs: Duration,
    attempts: t.number,
    error: S,
    running: t.boolean,
  }),
  t.partial({ lastOutcome: t.union([t.keyof({ complete: null, failed: null, interrupted: null }), t.null]) }),
]);

const WorkerJson = t.intersection([
  t.type({
    id: Id,
    status: t.keyof({ initializing: null, ready: null, running: null, idle: null, stopped: null, crashed: null }),
    startedAt: Instant,
    readyAt: Instant,
    stoppedAt: Instant,
    lastTaskCompletedAt: Instant,
    lastEventAt: Instant,
    currentTask: S,
    tasksCompleted: t.number,
    tasksFailed: t.number,
    totalTaskMs: t.number,
    timedTasks: t.number,
    busyMs: t.number,
    busySince: Instant,
  }),
  t.partial({ lifetimeStartedAt: Instant, pastLifetimes: t.array(Span), lastHeartbeatAt: Instant }),
]);

const LevelJson = t.type({
  level: Id,
  startedAt: Instant,
  completedAt: Instant,
  declaredTasks: t.number,
  running: t.number,
  maxParallel: t.number,
  durations: t.unknown,
});

const FailureJson = t.intersection([
  t.type({
    ts: t.refinement(t.number, inTimestampRange, OUT_OF_RANGE),
    taskId: t.string,
    workerId: IdOrNull,
    attempt: t.number,
    error: S,
    claimedAt: Instant,
    startedAt: Instant,
  }),
  t.partial({ kind: t.keyof({ failed: null, interrupted: null }) }),
]);

const AttemptJson = t.type({
  taskId: t.string,
  attempt: t.refinement(t.number, (n) => n >= 0 && n <= MAX_TASKS, OUT_OF_RANGE),
  workerId: IdOrNull,
  claimedAt: Instant,
  startedAt: Instant,
  endedAt: Instant,
  outcome: t.keyof({ running: null, complete: null, failed: null, interrupted: null, abandoned: null }),
  error: S,
  exitCode: t.union([t.number, t.null]),
});

export const RunCheckpoint = t.intersection([
  t.type({
    version: t.union([t.literal(1), t.literal(2)]),
    feature: S,
    rushStartedAt: Instant,
    firstEventAt: Instant,
    lastEventAt: Instant,
    endedAt: Instant,
    endKind: t.union([t.literal('completed'), t.literal('stopped'), t.null]),
    declaredTasks: t.refinement(t.number, (n) => n >= 0 && n <= MAX_TASKS, OUT_OF_RANGE),
    tasks: t.array(TaskJson),
    workers: t.array(WorkerJson),
    levels: t.array(LevelJson),
    durations: t.unknown,
    recent: t.array(t.unknown),
    failures: t.array(FailureJson),
    ingest: t.UnknownRecord,
    eventsOffset: t.number,
  }),
  t.partial({
    endReason: S,
    pauses: t.array(Span),
    /** Version 2: the seqs seen per producer. */
    seqRanges: t.record(t.string, SeqRanges),
    /** The recent lines folded of events without producer+seq, by hash, oldest first. */
    recentLines: t.array(t.number),
    /** Version 1: the highest seq seen per producer. */
    seqHwm: t.record(t.string, t.number),
    /** Where the fold stands in the broker's events stream (a reader of the broker). */
    streamId: S,
    /** Every attempt of every task (absent from checkpoints written before they were kept). */
    attempts: t.array(AttemptJson),
    attemptsDropped: t.number,
  }),
]);
export type RunCheckpoint = t.TypeOf<typeof RunCheckpoint>;

export function checkpointOf(state: RunState): RunCheckpoint {
  const recent = recentEvents(state).map(encodeEvent);
  return {
    version: 2,
    feature: state.feature,
    rushStartedAt: state.rushStartedAt,
    firstEventAt: state.firstEventAt,
    lastEventAt: state.lastEventAt,
    endedAt: state.endedAt,
    endKind: state.endKind,
    endReason: state.endReason,
    pauses: state.pauses.map(([a, b]) => [a, b]),
    declaredTasks: state.declaredTasks,
    tasks: [...state.tasks.values()].map((task) => task.fields()),
    workers: [...state.workers.values()].map((w) => ({ ...w, pastLifetimes: w.pastLifetimes.map(([a, b]): [number, number] => [a, b]) })),
    levels: [...state.levels.values()].map((l) => ({ ...l, durations: l.durations.toJSON() })),
    durations: state.durations.toJSON(),
    recent,
    failures: state.failures.map((f) => ({ ...f })),
    ingest: { ...state.ingest, invalidLines: { ...state.ingest.invalidLines } },
    eventsOffset: state.eventsOffset,
    seqRanges: state.seenSeqs.toRecord(),
    recentLines: state.recentLines.toJSON(),
    streamId: state.streamId,
    attempts: state.attempts.records(),
    attemptsDropped: state.attempts.dropped,
  };
}

/** Throws on a malformed series; `restoreRunState` turns that into a Left. */
const seriesFrom = (json: unknown): Series => Series.fromJSON(json);

/** Why a stored checkpoint was not restored; `outOfRange` when a figure in it is outside what a run can hold. */
export interface CheckpointRefusal {
  readonly message: string;
  readonly outOfRange: boolean;
}

export function restoreRunState(json: unknown): E.Either<CheckpointRefusal, RunState> {
  return pipe(
    RunCheckpoint.decode(json),
    E.mapLeft((errors): CheckpointRefusal => ({ message: `checkpoint: ${describeErrors(errors)}`, outOfRange: errors.some((e) => e.context.some((c) => c.type.name === OUT_OF_RANGE)) })),
    E.chain((cp) =>
      E.tryCatch(
        () => build(cp),
        (err): CheckpointRefusal => ({ message: `checkpoint: ${(err as Error).message}`, outOfRange: false }),
      ),
    ),
  );
}

function build(cp: RunCheckpoint): RunState {
  const state = createRunState(cp.feature);
  state.rushStartedAt = cp.rushStartedAt;
  state.firstEventAt = cp.firstEventAt;
  state.lastEventAt = cp.lastEventAt;
  state.endedAt = cp.endedAt;
  state.endKind = cp.endKind;
  state.endReason = cp.endReason ?? null;
  if (cp.pauses) state.pauses.push(...cp.pauses);
  state.declaredTasks = cp.declaredTasks;
  for (const task of cp.tasks) {
    const lastOutcome = task.lastOutcome !== undefined ? task.lastOutcome : outcomeOfV1(task);
    state.tasks.set(TaskAcc.restore({ ...task, lastOutcome }, state.taskTimes));
  }
  for (const w of cp.workers) {
    state.workers.set(w.id, {
      ...w,
      lifetimeStartedAt: w.lifetimeStartedAt !== undefined ? w.lifetimeStartedAt : w.startedAt,
      pastLifetimes: (w.pastLifetimes ?? []).map(([a, b]): [number, number] => [a, b]),
      lastHeartbeatAt: w.lastHeartbeatAt ?? null,
    });
  }
  for (const l of cp.levels) state.levels.set(l.level, { ...l, durations: seriesFrom(l.durations) });
  state.durations = seriesFrom(cp.durations);
  for (const w of cp.recent) {
    const e = decodeEvent(w);
    if (E.isRight(e)) pushRecent(state, e.right);
  }
  state.failures.push(...cp.failures.map((f) => ({ ...f, kind: f.kind ?? 'failed' })));
  for (const [k, v] of Object.entries(cp.ingest)) {
    if (k === 'invalidLines' && typeof v === 'object' && v !== null) Object.assign(state.ingest.invalidLines, v);
    else if (k in state.ingest && typeof v === 'number') (state.ingest as unknown as Record<string, number>)[k] = v;
  }
  state.eventsOffset = cp.eventsOffset;
  state.recentLines = new RecentLines(undefined, cp.recentLines ?? []);
  state.seenSeqs = cp.seqRanges ? new SeenSeqs(cp.seqRanges) : SeenSeqs.fromHighWaterMarks(cp.seqHwm ?? {});
  state.streamId = cp.streamId ?? null;
  restoreAttempts(state, cp.attempts ?? [], cp.attemptsDropped ?? 0);
  return state;
}

/** The attempt log, and each task's index of its attempt in flight and of its latest one. */
function restoreAttempts(state: RunState, records: RunCheckpoint['attempts'] & object, dropped: number): void {
  state.attempts = AttemptLog.restore(records, dropped);
  for (let i = 0; i < state.attempts.length; i++) {
    const task = state.tasks.get(records[i]!.taskId);
    if (task === undefined) continue;
    task.lastAttempt = i;
    task.openAttempt = state.attempts.isRunning(i) ? i : NO_ATTEMPT;
  }
}

/** A version-1 task's last outcome: it knew no interruptions, and counted a task failed once it had failed. */
function outcomeOfV1(task: { status: string; failedAt: number | null }): TaskAcc['lastOutcome'] {
  return task.status === 'complete' ? 'complete' : task.failedAt !== null ? 'failed' : null;
}
