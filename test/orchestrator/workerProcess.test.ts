import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FromWorker } from '../../src/orchestrator/protocol';
import { startWorker, workerEntry } from '../../src/orchestrator/workerProcess';
import { tempDirPerTest } from '../helpers/tempDir';
import { waitUntil } from '../helpers/waitUntil';

let dir = '';
const worker = suite('startWorker');
tempDirPerTest(worker, 'mahabharatha-worker-', (d) => (dir = d));

/** A worker whose messages are queued for the test to await one by one. */
function spawnWorker(id: number) {
  const inbox: FromWorker[] = [];
  const waiting: ((m: FromWorker) => void)[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const w = startWorker(id, {
    message: (m) => {
      const next = waiting.shift();
      if (next) next(m);
      else inbox.push(m);
    },
    exit: (code, signal) => {
      exit = { code, signal };
    },
  });
  const next = (): Promise<FromWorker> => {
    const queued = inbox.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
  };
  return { w, next, exit: () => exit };
}

worker('initialises, signals ready, runs a task and reports its outcome with measured times', async () => {
  const before = performance.timeOrigin + performance.now();
  const { w, next } = spawnWorker(4);
  const ready = await next();
  assert.is(ready.type, 'ready');
  assert.ok(ready.type === 'ready' && ready.at > before, 'ready after the fork, with its own clock');
  w.send({ type: 'run', taskId: 'T-1', command: `node -e "require('fs').writeFileSync('who', process.env.MAHABHARATHA_TASK_ID + ' ' + process.env.MAHABHARATHA_WORKER_ID + ' ' + process.env.MAHABHARATHA_ATTEMPT)"`, cwd: dir, timeoutMs: 10_000, attempt: 2 });
  const started = await next();
  assert.ok(started.type === 'started' && started.taskId === 'T-1' && started.pid !== null);
  const finished = await next();
  assert.ok(finished.type === 'finished' && finished.ok && finished.error === null);
  assert.ok(finished.type === 'finished' && finished.durationMs >= finished.commandMs && finished.commandMs > 0);
  assert.is(fs.readFileSync(path.join(dir, 'who'), 'utf8'), 'T-1 4 2');
  w.send({ type: 'stop' });
  await w.exited;
  assert.is(w.alive, false);
});

worker('reports a failing command with its error', async () => {
  const { w, next } = spawnWorker(1);
  await next();
  w.send({ type: 'run', taskId: 'T-2', command: 'echo nope >&2; exit 4', cwd: dir, timeoutMs: 10_000, attempt: 1 });
  await next();
  const finished = await next();
  assert.ok(finished.type === 'finished' && !finished.ok && finished.error === 'exit 4: nope');
  w.send({ type: 'stop' });
  await w.exited;
});

worker('on SIGTERM kills its running command and exits', async () => {
  const { w, next, exit } = spawnWorker(2);
  await next();
  w.send({ type: 'run', taskId: 'T-3', command: `node -e "setInterval(() => {}, 1000)" & echo $! > bg.pid; wait`, cwd: dir, timeoutMs: 60_000, attempt: 1 });
  await next();
  await waitUntil('the command to write its child’s pid', () => fs.existsSync(path.join(dir, 'bg.pid')));
  w.kill('SIGTERM');
  await w.exited;
  assert.equal(exit(), { code: 0, signal: null });
  const bg = Number(fs.readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
  const gone = (): boolean => {
    try {
      process.kill(bg, 0);
      return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${bg}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  await waitUntil('the command’s background child to be gone', gone);
});

worker.run();

const entry = suite('workerEntry');

entry('finds the worker module beside it and, from sources, adds the tsx loader', () => {
  const { modulePath, execArgv } = workerEntry();
  assert.match(path.basename(modulePath), /^worker\.(ts|js)$/);
  if (modulePath.endsWith('.ts')) assert.ok(execArgv.some((a) => a.includes('tsx')));
});

entry.run();
