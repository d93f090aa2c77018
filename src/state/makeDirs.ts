/**
 * `mkdir -p` that always ends. Node's own (`fs.mkdirSync(dir, { recursive: true })`) retries
 * forever — at full CPU, deaf to SIGTERM — when a filesystem answers ENOENT for a child of a
 * directory that exists (procfs, sysfs): `--state-dir /proc/x` would hang instead of failing.
 * Here each missing directory is made once, from the top, and the first error is thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDirectory } from './layout';

export function makeDirs(dir: string): void {
  // Up to the first path that exists (at the latest the root), then down again, making each one.
  const missing: string[] = [];
  let existing = path.resolve(dir);
  for (; !fs.existsSync(existing) && path.dirname(existing) !== existing; existing = path.dirname(existing)) missing.push(existing);
  if (!isDirectory(existing)) throw inTheWay(existing);
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Made meanwhile by another process: fine. A dangling link (or a new file) in the way is not.
      if (!isDirectory(d)) throw inTheWay(d);
    }
  }
}

const inTheWay = (p: string): Error => Object.assign(new Error(`${p} is in the way: it exists and is not a directory`), { code: 'ENOTDIR' });
