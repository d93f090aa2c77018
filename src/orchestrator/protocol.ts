/**
 * Messages between the orchestrator and its worker processes (Node IPC). Both sides decode what
 * they receive: a message from another process is input, not a trusted value.
 * Times are epoch milliseconds with sub-millisecond precision (`performance.timeOrigin + now()`).
 */
import * as t from 'io-ts';

/** Orchestrator → worker: run one task. */
export const RunTask = t.intersection([
  t.type({
    type: t.literal('run'),
    taskId: t.string,
    command: t.string,
    cwd: t.string,
    timeoutMs: t.number,
    attempt: t.number,
  }),
  /** Where to keep the attempt's output. */
  t.partial({ logFile: t.string }),
]);
export type RunTask = t.TypeOf<typeof RunTask>;

/** Orchestrator → worker: finish (kill any running command) and exit. */
export const StopWorker = t.type({ type: t.literal('stop') });
export type StopWorker = t.TypeOf<typeof StopWorker>;

export const ToWorker = t.union([StopWorker, RunTask]);
export type ToWorker = t.TypeOf<typeof ToWorker>;

/** Worker → orchestrator: initialised, ready to claim tasks. */
export const WorkerReady = t.type({ type: t.literal('ready'), at: t.number });
export type WorkerReady = t.TypeOf<typeof WorkerReady>;

/** Worker → orchestrator: the task's command has been spawned. */
export const TaskStarted = t.type({ type: t.literal('started'), taskId: t.string, at: t.number, pid: t.union([t.number, t.null]) });
export type TaskStarted = t.TypeOf<typeof TaskStarted>;

/** Worker → orchestrator: the task's command ended. */
export const TaskFinished = t.type({
  type: t.literal('finished'),
  taskId: t.string,
  at: t.number,
  ok: t.boolean,
  /** From task start to the end of its command, measured by the worker. */
  durationMs: t.number,
  /** The command alone (its verification), measured by the worker. */
  commandMs: t.number,
  error: t.union([t.string, t.null]),
  /** The command's exit code; null when it was killed or never ran. */
  exitCode: t.union([t.number, t.null]),
});
export type TaskFinished = t.TypeOf<typeof TaskFinished>;

/** Worker → orchestrator: still alive (every few seconds, busy or not), with the task it runs. */
export const WorkerHeartbeat = t.type({ type: t.literal('heartbeat'), at: t.number, taskId: t.union([t.string, t.null]) });
export type WorkerHeartbeat = t.TypeOf<typeof WorkerHeartbeat>;

export const FromWorker = t.union([WorkerReady, TaskStarted, TaskFinished, WorkerHeartbeat]);
export type FromWorker = t.TypeOf<typeof FromWorker>;

/** How often a worker says it is alive (DESIGN §5): 5 s, or `MAHABHARATHA_HEARTBEAT_MS`. */
export function heartbeatIntervalMs(env: NodeJS.ProcessEnv): number {
  const asked = Number(env.MAHABHARATHA_HEARTBEAT_MS);
  return Number.isInteger(asked) && asked >= 10 ? asked : 5000;
}

/** Now, in epoch ms with the sub-millisecond part kept. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
