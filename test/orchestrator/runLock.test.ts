import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireRunLock, lockPath } from '../../src/orchestrator/runLock';
import { tempDirPerTest } from '../helpers/tempDir';

let dir = '';
const lock = suite('acquireRunLock');
tempDirPerTest(lock, 'mahabharatha-lock-', (d) => (dir = d));

lock('takes a free lock and releases it', () => {
  const r = acquireRunLock(dir, 'feat');
  assert.ok(E.isRight(r));
  assert.ok(fs.existsSync(lockPath(dir, 'feat')));
  if (E.isRight(r)) r.right();
  assert.not.ok(fs.existsSync(lockPath(dir, 'feat')));
});

lock('refuses a lock held by a live process, naming it', () => {
  fs.writeFileSync(lockPath(dir, 'feat'), JSON.stringify({ pid: process.ppid }));
  const r = acquireRunLock(dir, 'feat');
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.match(r.left, new RegExp(`feature feat is being run by process ${process.ppid}`));
});

lock('takes over a lock left by a process that is gone', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  fs.writeFileSync(lockPath(dir, 'feat'), JSON.stringify({ pid: Number(dead) }));
  const r = acquireRunLock(dir, 'feat');
  assert.ok(E.isRight(r));
  assert.is(JSON.parse(fs.readFileSync(lockPath(dir, 'feat'), 'utf8')).pid, process.pid);
});

lock('takes over an unreadable lock file', () => {
  fs.writeFileSync(lockPath(dir, 'feat'), 'garbage');
  assert.ok(E.isRight(acquireRunLock(dir, 'feat')));
});

lock('locks features independently', () => {
  assert.ok(E.isRight(acquireRunLock(dir, 'a')));
  assert.ok(E.isRight(acquireRunLock(dir, 'b')));
});

lock.run();
