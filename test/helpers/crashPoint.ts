/**
 * Killing a child process at a named crash point (src/state/pausePoint.ts): the child runs with
 * `MAHABHARATHA_PAUSE_AT=<point>@<n>`, says on stderr when it has paused there, and is SIGKILLed
 * at once. The kill lands at that point every run, whatever the machine's load.
 */
import { spawn } from 'node:child_process';
import type { PausePoint } from '../../src/state/pausePoint';
import { HANG_GUARD_MS } from './waitUntil';

export interface KilledAt {
  /** What the child printed on stdout before it paused. */
  readonly stdout: string;
  readonly stderr: string;
}

export interface KillAtOptions {
  readonly cwd?: string;
  readonly point: PausePoint;
  /** Which time the point is reached (1: the first). */
  readonly nth: number;
}

/**
 * Runs `node ...args` until it pauses at the point, SIGKILLs it there and resolves once it is gone.
 * Rejects when it ends without reaching the point (the test would prove nothing) or neither pauses
 * nor ends within `HANG_GUARD_MS`.
 */
export function killAt(args: readonly string[], options: KillAtOptions): Promise<KilledAt> {
  const at = `${options.point}@${options.nth}`;
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, MAHABHARATHA_PAUSE_AT: at },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let paused = false;
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child neither reached ${at} nor ended in ${HANG_GUARD_MS} ms:\n${stderr}`));
    }, HANG_GUARD_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!paused && stderr.includes(`paused at ${at}\n`)) {
        paused = true;
        child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      if (paused && signal === 'SIGKILL') resolve({ stdout, stderr });
      else reject(new Error(`the child ended (${signal ?? `exit ${code}`}) without reaching ${at}:\n${stderr}`));
    });
  });
}
