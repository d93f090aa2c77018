/** A fresh temporary directory per test, removed afterwards. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Test } from 'uvu';

export function makeTempDir(prefix = 'mahabharatha-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs `body` with a new temp dir and removes it whatever happens. */
export async function withTempDir<T>(body: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = makeTempDir();
  try {
    return await body(dir);
  } finally {
    removeTempDir(dir);
  }
}

/** Gives each test of `tests` a fresh temp dir (passed to `use` before it runs), removed after it. */
export function tempDirPerTest(tests: Test, prefix: string, use: (dir: string) => void): void {
  let dir = '';
  tests.before.each(() => {
    dir = makeTempDir(prefix);
    use(dir);
  });
  tests.after.each(() => {
    removeTempDir(dir);
  });
}
