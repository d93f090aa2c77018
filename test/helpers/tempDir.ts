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
export function tempDirPerTest<T>(tests: Test<T>, prefix: string, use: (dir: string, context: T) => void): void {
  let dir = '';
  tests.before.each((context) => {
    dir = makeTempDir(prefix);
    use(dir, context);
  });
  tests.after.each(() => {
    removeTempDir(dir);
  });
}

/** Gives each test of `tests` a fresh temp dir as `context.dir`, removed after it. */
export function tempDirInContext<T extends { dir: string }>(tests: Test<T>, prefix: string): void {
  tempDirPerTest(tests, prefix, (dir, context) => {
    context.dir = dir;
  });
}
