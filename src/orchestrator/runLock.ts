/**
 * One orchestrator per feature and state dir: the events log has a single appender. A lock file
 * `{feature}.rush.lock` holds the owner's pid; a lock whose process is gone (a killed run) is taken
 * over, so `rush --resume` after a SIGKILL just works.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const lockPath = (stateDir: string, feature: string): string => path.join(stateDir, `${feature}.rush.lock`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A killed process nobody has reaped yet (no init in a container) still answers signal 0. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function ownerOf(file: string): number | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const pid = typeof parsed === 'object' && parsed !== null ? (parsed as { pid?: unknown }).pid : undefined;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock; Left(message) when another live process holds it. Returns its release. */
export function acquireRunLock(stateDir: string, feature: string): E.Either<string, () => void> {
  const file = lockPath(stateDir, feature);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() })}\n`);
      fs.closeSync(fd);
      return E.right(() => {
        if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return E.left(`cannot lock ${file}: ${(err as Error).message}`);
      const owner = ownerOf(file);
      if (owner !== null && owner !== process.pid && isAlive(owner)) {
        return E.left(`feature ${feature} is being run by process ${owner} (lock ${file})`);
      }
      // Left by a process that no longer runs: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  return E.left(`cannot lock ${file}: another process keeps taking it`);
}
