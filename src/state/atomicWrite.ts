/**
 * Atomic file replacement (DESIGN §3): a reader sees either the old file or the new one, never a
 * mix, and a crash at any moment leaves one of the two plus, at worst, a stray temp file.
 *
 * Steps: temp file in the same directory (same filesystem, so `rename` is atomic), opened `wx`
 * under a name no other writer can pick (`.{base}.<pid>.<rand>.tmp`), write, `fsync`, `close`,
 * `rename` over the target, `fsync` the directory so the rename itself survives a power loss.
 * Temp files left by a killed writer are removed by `removeStaleTemps` when the next writer starts.
 * The crash tests kill a writer exactly before and after the rename (`pausePoint`).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pausePoint } from './pausePoint';
import { refuseUnsafeTarget } from './safeFiles';

export type AtomicData = string | Uint8Array;

export interface AtomicWriteOptions {
  /**
   * Called just before the rename, in the same tick as it: returning false drops this write (its
   * temp file is removed) and the target keeps its current content. Lets a writer skip an older
   * asynchronous write that a newer synchronous one (a shutdown flush) has already overtaken.
   */
  readonly shouldCommit?: () => boolean;
  /** File mode of the new file (default: the mode of the file it replaces, else 0o644; less the umask). */
  readonly mode?: number;
}

/** Temp files being written by this process right now: never "stale", whatever their age. */
const inFlight = new Set<string>();

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `.{base}.<pid>.<rand>.tmp` — the leading dot keeps it out of plain `ls` and of `*.json` globs. */
export function tempPathFor(file: string): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function tempPattern(base: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(base)}\\.(\\d+)\\.[0-9a-z]+\\.tmp$`);
}

/** The temp files of `base` present in `dir`, whoever wrote them. */
export function listTemps(dir: string, base: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = tempPattern(base);
  return names.filter((n) => pattern.test(n)).map((n) => path.join(dir, n));
}

/** A write never takes this long: a temp file older than this is stale even if its pid is alive. */
const LIVE_WRITER_GRACE_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files of `base` left in `dir` by writers that died mid-write. A temp file of another
 * live process written in the last minute is left alone: with one writer per file that should never
 * happen, but if it does we must not pull a file from under a rename. Returns the paths removed.
 */
export function removeStaleTemps(dir: string, base: string, now: number = Date.now()): string[] {
  const pattern = tempPattern(base);
  const removed: string[] = [];
  for (const file of listTemps(dir, base)) {
    if (inFlight.has(file)) continue;
    const pid = Number(pattern.exec(path.basename(file))?.[1]);
    if (pid !== process.pid && isAlive(pid)) {
      let mtimeMs: number;
      try {
        mtimeMs = fs.statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (now - mtimeMs < LIVE_WRITER_GRACE_MS) continue;
    }
    try {
      fs.unlinkSync(file);
      removed.push(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}

/** Directory fsync is not supported everywhere (some filesystems, Windows); the rename is done either way. */
const IGNORED_DIR_SYNC_ERRORS = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP']);

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!IGNORED_DIR_SYNC_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!IGNORED_DIR_SYNC_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/** Replacing a file keeps its permissions: the temp file is created with the target's mode. */
function modeFor(file: string, mode: number | undefined): number {
  if (mode !== undefined) return mode;
  try {
    return fs.lstatSync(file).mode & 0o7777;
  } catch {
    return 0o644;
  }
}

function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or the directory went away: nothing left to clean.
  }
}

/**
 * Replaces `file` with `data` atomically. Resolves true once the new content is in place and
 * durable, false when `shouldCommit` declined it. On failure the old file is untouched, the temp
 * file is removed, and the error is rethrown.
 */
export async function writeFileAtomic(file: string, data: AtomicData, options: AtomicWriteOptions = {}): Promise<boolean> {
  // Only a regular file is replaced: never a symlink, a FIFO or a device (DESIGN §8).
  refuseUnsafeTarget(file);
  const tmp = tempPathFor(file);
  inFlight.add(tmp);
  try {
    const handle = await fs.promises.open(tmp, 'wx', modeFor(file, options.mode));
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The check and the rename happen in one tick, so a synchronous write cannot slip between them.
    if (options.shouldCommit && !options.shouldCommit()) {
      unlinkQuietly(tmp);
      return false;
    }
    refuseUnsafeTarget(file);
    pausePoint('before-rename');
    fs.renameSync(tmp, file);
  } catch (err) {
    unlinkQuietly(tmp);
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
  pausePoint('after-rename');
  await syncDir(path.dirname(file));
  return true;
}

/** Synchronous `writeFileAtomic`, for shutdown flushes (signal handlers, `exit`) where nothing async runs. */
export function writeFileAtomicSync(file: string, data: AtomicData, options: Pick<AtomicWriteOptions, 'mode'> = {}): void {
  refuseUnsafeTarget(file);
  const tmp = tempPathFor(file);
  inFlight.add(tmp);
  try {
    const fd = fs.openSync(tmp, 'wx', modeFor(file, options.mode));
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    pausePoint('before-rename');
    fs.renameSync(tmp, file);
  } catch (err) {
    unlinkQuietly(tmp);
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
  pausePoint('after-rename');
  syncDirSync(path.dirname(file));
}
