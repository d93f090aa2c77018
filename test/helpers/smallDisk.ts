/**
 * Small disks for the full-disk tests (DESIGN §8): a tmpfs of a few pages, a file bind-mounted
 * from one (so that only that file's writes run out of room), and filling one up. Needs root
 * (`mount`); `canMount()` says whether the tests may use them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const canMount = (): boolean => process.getuid?.() === 0 && process.platform === 'linux' && process.env.MAHABHARATHA_TEST_NO_MOUNT === undefined;

export function mountTmpfs(dir: string, bytes: number): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
}

/** Makes `target` (created empty) show the file `source`, which lives on another file system. */
export function bindFile(source: string, target: string): void {
  if (!fs.existsSync(source)) fs.writeFileSync(source, '');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, '');
  execFileSync('mount', ['--bind', source, target]);
}

export function unmount(target: string): void {
  try {
    execFileSync('umount', [target], { stdio: 'ignore' });
  } catch {
    // not mounted (a test that failed before mounting)
  }
}

/** Writes a filler file in `dir` until its file system is full; returns its path. */
export function fillUp(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'a');
  const chunk = Buffer.alloc(4096, 0x2e);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}
