/**
 * Runs one shell command in its own process group, with a timeout that kills the whole group (a
 * shell's grandchildren included), and reports how it ended with a short error for people.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { printable } from '../events/printable';
import { preciseNow } from './protocol';

export interface CommandOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  /** Extra environment variables for the command. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the command's output is kept (stdout and stderr as they arrive), capped. */
  readonly output?: { write(chunk: Buffer): void; close(): void };
}

export interface CommandResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Wall time from spawn to exit. */
  readonly durationMs: number;
  /** Null when ok; else "exit 1: <last stderr line>", "timed out after 30s", ... */
  readonly error: string | null;
}

export interface RunningCommand {
  /** Also the process group id; null when the spawn itself failed. */
  readonly pid: number | null;
  readonly result: Promise<CommandResult>;
  /** Kills the command's process group. */
  kill(signal?: NodeJS.Signals): void;
}

/** Sends a signal to a process group; a group that is already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group has exited already.
  }
}

/** How much of the output is kept to explain a failure. */
const TAIL_BYTES = 4096;
/** After the shell exits, how long to wait for its output pipes to close (a background child may hold them). */
const CLOSE_GRACE_MS = 250;

export function runCommand(command: string, options: CommandOptions): RunningCommand {
  const startedAt = preciseNow();
  // The node running us is on PATH first, so graphs can say `node -e ...` wherever node lives.
  const pathVar = [path.dirname(process.execPath), process.env.PATH ?? ''].filter(Boolean).join(path.delimiter);
  const child = spawn(command, {
    cwd: options.cwd,
    shell: true,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: pathVar, ...options.env },
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    options.output?.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let timedOut = false;
  const pid = child.pid ?? null;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== null) killGroup(pid, 'SIGKILL');
  }, options.timeoutMs);

  const result = new Promise<CommandResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<CommandResult, 'durationMs'>, endedAt: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.output?.close();
      resolve({ ...r, durationMs: endedAt - startedAt });
    };
    child.on('error', (err) => {
      finish({ ok: false, exitCode: null, signal: null, timedOut: false, error: `cannot start the command: ${err.message}` }, preciseNow());
    });
    child.on('exit', (code, signal) => {
      const endedAt = preciseNow();
      const conclude = (): void => {
        const ok = code === 0 && !timedOut;
        finish({ ok, exitCode: code, signal, timedOut, error: ok ? null : describeFailure(code, signal, timedOut, options.timeoutMs, tail) }, endedAt);
      };
      // Wait for the pipes so the last output line is in the tail, but not for long.
      const grace = setTimeout(conclude, CLOSE_GRACE_MS);
      child.on('close', () => {
        clearTimeout(grace);
        conclude();
      });
    });
  });

  return {
    pid,
    result,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (pid !== null) killGroup(pid, signal);
    },
  };
}

function describeFailure(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean, timeoutMs: number, output: string): string {
  if (timedOut) return `timed out after ${formatTimeout(timeoutMs)}`;
  const why = signal !== null ? `killed by ${signal}` : `exit ${code ?? '?'}`;
  const last = lastLine(output);
  return last ? `${why}: ${last}` : why;
}

/** The last line the command wrote, as plain text: its colours removed, any other control character escaped. */
function lastLine(output: string): string {
  const lines = printable(stripVTControlCharacters(output)).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const formatTimeout = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`);
