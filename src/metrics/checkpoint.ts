/**
 * A RunState as JSON, stored with the metrics in the state file, so that a restarted processor
 * resumes the fold exactly where it stood (DESIGN §3.1 `source`) instead of re-reading the whole
 * events log. Restoring validates the shape: a checkpoint we cannot trust is refused, and the
 * caller rebuilds from the log.
 */
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { describeErrors } from '../codecs/snakeCase';
import { decodeEvent, encodeEvent } from '../events/decode';
import { createRunState, pushRecent, recentEvents, type RunState } from './reducer';
import { SeqMarks } from './seqMarks';
import { Series } from './series';

const N = t.union([t.number, t.null]);
const S = t.union([t.string, t.null]);

const TaskJson = t.type({
  id: t.string,
  level: N,
  status: t.keyof({ pending: null, claimed: null, in_progress: null, verifying: null, complete: null, failed: null, waiting_retry: null }),
  workerId: N,
  createdAt: N,
  firstClaimedAt: N,
  claimedAt: N,
  startedAt: N,
  completedAt: N,
  failedAt: N,
  durationMs: N,
  verificationMs: N,
  attempts: t.number,
  error: S,
  running: t.boolean,
});

const WorkerJson = t.type({
  id: t.number,
  status: t.keyof({ initializing: null, ready: null, running: null, idle: null, stopped: null, crashed: null }),
  startedAt: N,
  readyAt: N,
  stoppedAt: N,
  lastTaskCompletedAt: N,
  lastEventAt: N,
  currentTask: S,
  tasksCompleted: t.number,
  tasksFailed: t.number,
  totalTaskMs: t.number,
  timedTasks: t.number,
  busyMs: t.number,
  busySince: N,
});

const LevelJson = t.type({
  level: t.number,
  startedAt: N,
  completedAt: N,
  declaredTasks: t.number,
  running: t.number,
  maxParallel: t.number,
  durations: t.unknown,
});

const FailureJson = t.type({
  ts: t.number,
  taskId: t.string,
  workerId: N,
  attempt: t.number,
  error: S,
  claimedAt: N,
  startedAt: N,
});

export const RunCheckpoint = t.type({
  version: t.literal(1),
  feature: S,
  rushStartedAt: N,
  firstEventAt: N,
  lastEventAt: N,
  endedAt: N,
  endKind: t.union([t.literal('completed'), t.literal('stopped'), t.null]),
  declaredTasks: t.number,
  tasks: t.array(TaskJson),
  workers: t.array(WorkerJson),
  levels: t.array(LevelJson),
  durations: t.unknown,
  recent: t.array(t.unknown),
  failures: t.array(FailureJson),
  ingest: t.UnknownRecord,
  eventsOffset: t.number,
  seqHwm: t.record(t.string, t.number),
});
export type RunCheckpoint = t.TypeOf<typeof RunCheckpoint>;

export function checkpointOf(state: RunState): RunCheckpoint {
  const recent = recentEvents(state).map(encodeEvent);
  return {
    version: 1,
    feature: state.feature,
    rushStartedAt: state.rushStartedAt,
    firstEventAt: state.firstEventAt,
    lastEventAt: state.lastEventAt,
    endedAt: state.endedAt,
    endKind: state.endKind,
    declaredTasks: state.declaredTasks,
    tasks: [...state.tasks.values()].map((task) => ({ ...task })),
    workers: [...state.workers.values()].map((w) => ({ ...w })),
    levels: [...state.levels.values()].map((l) => ({ ...l, durations: l.durations.toJSON() })),
    durations: state.durations.toJSON(),
    recent,
    failures: state.failures.map((f) => ({ ...f })),
    ingest: { ...state.ingest, invalidLines: { ...state.ingest.invalidLines } },
    eventsOffset: state.eventsOffset,
    seqHwm: state.seqMarks.toRecord(),
  };
}

/** Throws on a malformed series; `restoreRunState` turns that into a Left. */
const seriesFrom = (json: unknown): Series => Series.fromJSON(json);

export function restoreRunState(json: unknown): E.Either<string, RunState> {
  return pipe(
    RunCheckpoint.decode(json),
    E.mapLeft((errors) => `checkpoint: ${describeErrors(errors)}`),
    E.chain((cp) =>
      E.tryCatch(
        () => build(cp),
        (err) => `checkpoint: ${(err as Error).message}`,
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
  state.declaredTasks = cp.declaredTasks;
  for (const task of cp.tasks) state.tasks.set(task.id, { ...task });
  for (const w of cp.workers) state.workers.set(w.id, { ...w });
  for (const l of cp.levels) state.levels.set(l.level, { ...l, durations: seriesFrom(l.durations) });
  state.durations = seriesFrom(cp.durations);
  for (const w of cp.recent) {
    const e = decodeEvent(w);
    if (E.isRight(e)) pushRecent(state, e.right);
  }
  state.failures.push(...cp.failures);
  for (const [k, v] of Object.entries(cp.ingest)) {
    if (k === 'invalidLines' && typeof v === 'object' && v !== null) Object.assign(state.ingest.invalidLines, v);
    else if (k in state.ingest && typeof v === 'number') (state.ingest as unknown as Record<string, number>)[k] = v;
  }
  state.eventsOffset = cp.eventsOffset;
  state.seqMarks = new SeqMarks(cp.seqHwm);
  return state;
}
