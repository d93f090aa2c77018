/**
 * Write errors that mean the disk can take no more (DESIGN §8): a full disk or quota, an I/O
 * error, a read-only remount. Retrying them only repeats them, so `rush` stops on the first one.
 */

const DISK_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG']);

export const isDiskFault = (err: unknown): boolean => DISK_FAULTS.has((err as NodeJS.ErrnoException | null)?.code ?? '');

/** A write that stored fewer bytes than asked: the disk filled up under it. */
export class ShortWriteError extends Error {
  readonly code = 'ENOSPC';
  constructor(file: string, written: number, asked: number) {
    super(`short write to ${file}: ${written} of ${asked} bytes (no space left on device?)`);
  }
}

const WHAT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'an I/O error',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large',
};

/** `cannot write FILE: no space left on the device (ENOSPC)`. */
export function describeDiskFault(err: unknown, file: string): string {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  return `cannot write ${file}: ${WHAT[code] ?? (err as Error)?.message ?? String(err)} (${code || 'error'})`;
}
