/**
 * A worker process, started by `rush` with `child_process.fork`. It initialises (loads what it
 * needs to run and decode tasks), signals ready, then runs one task at a time as the orchestrator
 * hands them out, reporting each start and outcome over IPC. It never writes the events log: the
 * orchestrator is its single appender.
 *
 * It ends when told to stop, on SIGTERM/SIGINT, or when its orchestrator goes away (IPC
 * disconnect), killing the process group of any command it is running first.
 */
import { isLeft } from 'fp-ts/Either';
import { describeErrors } from '../codecs/snakeCase';
import { FromWorker, heartbeatIntervalMs, preciseNow, RunTask, ToWorker } from './protocol';
import { printableLine } from '../events/printable';
import { AttemptLog } from './attemptLog';
import { RunningCommand, runCommand } from './runCommand';

function startWorker(): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stderr.write('mahabharatha worker: this program is started by `mahabharatha rush`, not directly\n');
    process.exitCode = 2;
    return;
  }
  const workerId = process.env.MAHABHARATHA_WORKER_ID ?? '';
  const report = (message: FromWorker): void => {
    if (process.connected) send(message);
  };

  let running: { taskId: string; command: RunningCommand } | null = null;
  let stopping = false;

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running?.command.kill('SIGKILL');
    // Exit once the command's result is in (its group is dead), so no orphan outlives us.
    const done = running?.command.result ?? Promise.resolve();
    void done.then(() => {
      if (process.connected) process.disconnect();
      process.exit(0);
    });
  };

  const run = (task: RunTask): void => {
    if (running !== null || stopping) return;
    const startedAt = preciseNow();
    const output = task.logFile === undefined ? undefined : openLog(task.logFile);
    const command = runCommand(task.command, {
      cwd: task.cwd,
      timeoutMs: task.timeoutMs,
      env: { MAHABHARATHA_TASK_ID: task.taskId, MAHABHARATHA_WORKER_ID: workerId, MAHABHARATHA_ATTEMPT: String(task.attempt) },
      ...(output !== undefined ? { output } : {}),
    });
    running = { taskId: task.taskId, command };
    report({ type: 'started', taskId: task.taskId, at: startedAt, pid: command.pid });
    void command.result.then((result) => {
      const at = preciseNow();
      running = null;
      if (stopping) return;
      const exitCode = result.timedOut ? null : result.exitCode;
      report({ type: 'finished', taskId: task.taskId, at, ok: result.ok, durationMs: at - startedAt, commandMs: result.durationMs, error: result.error, exitCode });
    });
  };

  /** The attempt's log, or none (said once on stderr) when it cannot be opened: the task runs anyway. */
  const openLog = (file: string): AttemptLog | undefined => {
    try {
      return AttemptLog.open(file);
    } catch (err) {
      process.stderr.write(`mahabharatha worker ${workerId}: cannot keep the output in ${printableLine(file)}: ${printableLine((err as Error).message)}\n`);
      return undefined;
    }
  };

  process.on('message', (raw: unknown) => {
    const decoded = ToWorker.decode(raw);
    if (isLeft(decoded)) {
      // A bug in the orchestrator, not user input: say so loudly, but keep serving.
      process.stderr.write(`mahabharatha worker ${workerId}: bad message: ${describeErrors(decoded.left)}\n`);
      return;
    }
    const message = decoded.right;
    if (message.type === 'stop') stop();
    else run(message);
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  report({ type: 'ready', at: preciseNow() });
  // A heartbeat tells a long task from a hung worker (STALLED is heartbeats stopping, not a task running long).
  const heartbeat = setInterval(() => {
    if (!stopping) report({ type: 'heartbeat', at: preciseNow(), taskId: running?.taskId ?? null });
  }, heartbeatIntervalMs(process.env));
  heartbeat.unref();
}

startWorker();
