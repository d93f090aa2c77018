/**
 * Running a script in another time zone: a child `node` with `TZ` set, compiling the repository's
 * TypeScript through tsx, so that `require('./src/...')` works from the script.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `script` (CommonJS, paths relative to the repository root) with `TZ=tz`; its status, stdout and stderr. */
export const runInZone = (tz: string, script: string): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
