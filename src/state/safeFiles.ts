/**
 * Files we write never follow a symlink, and are never anything but regular files (DESIGN §8,
 * Security): a state dir in which someone planted `{feature}-events.jsonl -> ~/.bashrc` must not
 * make `rush` append to the target, and `--out` pointing at a FIFO or a device is refused rather
 * than replaced. Opens use `O_NOFOLLOW`; replacements check the target with `lstat` first.
 */
import * as fs from 'node:fs';

/** A file we will not write to or replace, with why, for one clear line. */
export class UnsafeFileError extends Error {
  /** An errno-like code, as the OS would have said it had it been asked (ELOOP for a symlink). */
  readonly code: string;
  constructor(
    readonly file: string,
    readonly what: string,
    verb: 'write' | 'read' = 'write',
  ) {
    super(`refusing to ${verb} ${file}: it is ${what}, not a regular file`);
    this.code = CODES[what] ?? 'EINVAL';
  }
}

const CODES: Readonly<Record<string, string>> = { 'a symbolic link': 'ELOOP', 'a directory': 'EISDIR' };

/** What a non-regular file is, in words; null for a regular file. */
function kindOf(stat: fs.Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws `UnsafeFileError` when `file` exists and is not a regular file (a symlink is not followed). */
export function refuseUnsafeTarget(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    // Nothing there (or a file where a directory of its path should be: the write will say so).
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  const what = kindOf(stat);
  if (what !== null) throw new UnsafeFileError(file, what);
}

const { O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK, O_RDWR, O_WRONLY, O_RDONLY } = fs.constants;

/** ELOOP from an `O_NOFOLLOW` open is a symlink; anything else is passed on. */
function noFollowError(file: string, err: unknown, verb: 'write' | 'read' = 'write'): unknown {
  return (err as NodeJS.ErrnoException).code === 'ELOOP' ? new UnsafeFileError(file, 'a symbolic link', verb) : err;
}

function checkOpened(file: string, fd: number, verb: 'write' | 'read' = 'write'): number {
  const what = kindOf(fs.fstatSync(fd));
  if (what === null) return fd;
  fs.closeSync(fd);
  throw new UnsafeFileError(file, what, verb);
}

/** Opens `file` to append (and read), created when missing; never through a symlink, only a regular file. */
export function openAppendSync(file: string, mode = 0o644): number {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
  } catch (err) {
    throw noFollowError(file, err);
  }
  return checkOpened(file, fd);
}

/** Appends `text` to `file` (created when missing); never through a symlink, only to a regular file. */
export async function appendNoFollow(file: string, text: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o644);
  } catch (err) {
    throw noFollowError(file, err);
  }
  try {
    const what = kindOf(await handle.stat());
    if (what !== null) throw new UnsafeFileError(file, what);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/**
 * Reads `file` whole, refusing a symlink and anything but a regular file (`UnsafeFileError`): a
 * warning about a bad file must not quote the first bytes of whatever a planted link points to,
 * and a FIFO must not hang the reader (opened non-blocking, then refused).
 */
export function readNoFollowSync(file: string): Buffer {
  let fd: number;
  try {
    fd = checkOpened(file, fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK), 'read');
  } catch (err) {
    throw noFollowError(file, err, 'read');
  }
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
