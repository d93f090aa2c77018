import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as os from 'node:os';
import { acquireRunLock, lockPath, orchestratorGone, runLockOwner } from '../../src/state/runLock';
import { DEAD_PID } from '../helpers/deadPid';
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
  fs.writeFileSync(lockPath(dir, 'feat'), JSON.stringify({ pid: DEAD_PID }));
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

lock('records the owner pid and host', () => {
  assert.ok(E.isRight(acquireRunLock(dir, 'feat')));
  assert.equal(runLockOwner(dir, 'feat'), { pid: process.pid, host: os.hostname() });
  assert.is(runLockOwner(dir, 'other'), null);
});

const gone = suite('orchestratorGone');
const NOW = 1_000_000;

gone('a lock of this host: gone exactly when its process is', () => {
  assert.is(orchestratorGone({ pid: process.pid, host: os.hostname() }, null, NOW, 120_000), false);
  assert.is(orchestratorGone({ pid: DEAD_PID, host: os.hostname() }, NOW, NOW, 120_000), true, 'a fresh heartbeat does not revive a dead pid');
  assert.is(orchestratorGone({ pid: DEAD_PID, host: null }, null, NOW, 120_000), true, 'an older lock without a host is read as this host');
});

gone('a lock of another host, or none: gone when the heartbeats are older than the bound', () => {
  const elsewhere = { pid: process.pid, host: `${os.hostname()}-elsewhere` };
  assert.is(orchestratorGone(elsewhere, NOW - 121_000, NOW, 120_000), true);
  assert.is(orchestratorGone(elsewhere, NOW - 60_000, NOW, 120_000), false);
  assert.is(orchestratorGone(null, NOW - 121_000, NOW, 120_000), true);
  assert.is(orchestratorGone(null, null, NOW, 120_000), false, 'nothing tells: not called gone');
});

lock.run();
gone.run();
