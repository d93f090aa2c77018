/**
 * One orchestrator per feature and state dir: the events log has a single appender. A lock file
 * `{feature}.rush.lock` holds the owner's pid and host; a lock whose process is gone (a killed run)
 * is taken over, so `rush --resume` after a SIGKILL just works. Readers ask the same lock whether
 * the orchestrator of a run that never ended is still there (`orchestratorGone`).
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunSnapshot } from '../metrics/snapshot';

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

export interface LockOwner {
  readonly pid: number;
  /** The host it runs on; null in a lock written before hosts were recorded. */
  readonly host: string | null;
}

/** Who holds the lock file, or null when there is none or it is unreadable. */
function lockOwner(file: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, host } = parsed as { pid?: unknown; host?: unknown };
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    return { pid, host: typeof host === 'string' ? host : null };
  } catch {
    return null;
  }
}

const ownerOf = (file: string): number | null => lockOwner(file)?.pid ?? null;

/** The orchestrator holding `feature`'s lock in `stateDir`, or null when no lock is held. */
export const runLockOwner = (stateDir: string, feature: string): LockOwner | null => lockOwner(lockPath(stateDir, feature));

/**
 * Whether the orchestrator of a run is known to be gone (DESIGN §4.3 `abandoned`): its lock names
 * a process of this host that no longer runs, or — for a lock of another host, or none (upstream
 * runs hold no lock) — its workers' newest heartbeat is older than `staleAfterMs`. False when
 * nothing tells.
 */
export function orchestratorGone(owner: LockOwner | null, newestHeartbeat: number | null, now: number, staleAfterMs: number): boolean {
  if (owner !== null && (owner.host === null || owner.host === os.hostname())) return !isAlive(owner.pid);
  return newestHeartbeat !== null && now - newestHeartbeat > staleAfterMs;
}

/** Takes the lock; Left(message) when another live process holds it. Returns its release. */
export function acquireRunLock(stateDir: string, feature: string): E.Either<string, () => void> {
  const file = lockPath(stateDir, feature);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${JSON.stringify({ pid: process.pid, host: os.hostname(), started_at: new Date().toISOString() })}\n`);
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

/**
 * Whether the orchestrator of `feature`'s run in `stateDir` is gone, for a run that never ended
 * (a run that ended needs no orchestrator). Reads the lock file; `stallAfterMs` bounds the age of
 * the newest heartbeat where the lock cannot tell.
 */
export function runOrchestratorGone(stateDir: string, feature: string, snapshot: RunSnapshot, now: number, stallAfterMs: number): boolean {
  if (snapshot.status !== 'running') return false;
  return orchestratorGone(runLockOwner(stateDir, feature), newestHeartbeat(snapshot), now, stallAfterMs);
}

/** Whether a run's workers' newest heartbeat is older than `stallAfterMs` (false when they sent none): for a reader with no lock to ask. */
export const runGoneByHeartbeats = (snapshot: RunSnapshot, now: number, stallAfterMs: number): boolean =>
  orchestratorGone(null, newestHeartbeat(snapshot), now, stallAfterMs);

/** The newest heartbeat of the run's workers (epoch ms), or null when none sent one. */
function newestHeartbeat(snapshot: RunSnapshot): number | null {
  let newest: number | null = null;
  for (const w of snapshot.metrics.workerMetrics) {
    const at = w.lastHeartbeatAt ?? NaN;
    if (Number.isFinite(at) && (newest === null || at > newest)) newest = at;
  }
  return newest;
}
