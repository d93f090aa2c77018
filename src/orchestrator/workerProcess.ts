/**
 * Starting and stopping one worker process. Each worker is forked as the leader of its own process
 * group, so a terminal's Ctrl-C reaches only the orchestrator (which then stops the workers in
 * order) and a stop can kill everything a worker started.
 */
import { ChildProcess, fork } from 'node:child_process';
import { isLeft } from 'fp-ts/Either';
import { describeErrors } from '../codecs/snakeCase';
import { printable } from '../events/printable';
import { FromWorker, ToWorker } from './protocol';
import { killGroup } from './runCommand';

export interface WorkerEvents {
  readonly message: (message: FromWorker) => void;
  /** The process ended (expectedly or not). */
  readonly exit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface WorkerProcess {
  readonly id: number;
  readonly pid: number | null;
  send(message: ToWorker): void;
  /** Signals the worker's process group. */
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<void>;
  readonly alive: boolean;
}

/**
 * The worker module next to this one: `worker.js` when running from `dist/`, `worker.ts` when
 * running from sources under tsx — then the child needs tsx's loader too.
 */
export function workerEntry(): { readonly modulePath: string; readonly execArgv: string[] } {
  const modulePath = require.resolve('./worker');
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
  if (/\.[cm]?ts$/.test(modulePath) && !execArgv.some((a) => a.includes('tsx'))) {
    execArgv.push('--require', require.resolve('tsx/cjs'));
  }
  return { modulePath, execArgv };
}

export function startWorker(id: number, on: WorkerEvents): WorkerProcess {
  const { modulePath, execArgv } = workerEntry();
  const child: ChildProcess = fork(modulePath, [], {
    detached: true,
    execArgv,
    // Never hand a worker the terminal: Node restores the terminal modes it saw at start-up when it
    // exits, which would switch a live dashboard's raw mode back to cooked (keys echo, `q` is lost).
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, MAHABHARATHA_WORKER_ID: String(id) },
  });
  // A worker's stderr may carry what a task's command printed: passed on printable.
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => process.stderr.write(printable(chunk)));
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    let reported = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
      alive = false;
      if (reported) return;
      reported = true;
      on.exit(code, signal);
      resolve();
    };
    child.on('exit', ended);
    // A failed fork emits 'error' and may never emit 'exit'.
    child.on('error', (err) => {
      process.stderr.write(`mahabharatha: worker ${id}: ${err.message}\n`);
      if (child.exitCode === null && child.pid === undefined) ended(null, null);
    });
  });
  child.on('message', (raw: unknown) => {
    const decoded = FromWorker.decode(raw);
    if (isLeft(decoded)) {
      process.stderr.write(`mahabharatha: worker ${id} sent a bad message: ${printable(describeErrors(decoded.left))}\n`);
      return;
    }
    on.message(decoded.right);
  });
  return {
    id,
    pid: child.pid ?? null,
    send: (message) => {
      if (child.connected) child.send(message, () => undefined);
    },
    kill: (signal) => {
      if (child.pid !== undefined) killGroup(child.pid, signal);
    },
    exited,
    get alive() {
      return alive;
    },
  };
}
