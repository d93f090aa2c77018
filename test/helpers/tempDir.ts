/** A fresh temporary directory per test, removed afterwards. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
