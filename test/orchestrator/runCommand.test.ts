import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCommand } from '../../src/orchestrator/runCommand';
import { tempDirPerTest } from '../helpers/tempDir';
import { waitUntil } from '../helpers/waitUntil';

let dir = '';
const run = suite('runCommand');
tempDirPerTest(run, 'mahabharatha-cmd-', (d) => (dir = d));

/** Gone, or a zombie waiting to be reaped: either way it runs no more. */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

run('reports success of a command run in the given directory, with the extra environment', async () => {
  const r = await runCommand(`node -e "require('fs').writeFileSync('out.txt', process.env.EXTRA)"`, { cwd: dir, timeoutMs: 10_000, env: { EXTRA: 'hello' } }).result;
  assert.equal({ ok: r.ok, exitCode: r.exitCode, error: r.error, timedOut: r.timedOut }, { ok: true, exitCode: 0, error: null, timedOut: false });
  assert.is(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'hello');
  assert.ok(r.durationMs > 0);
});

run('explains a failure with the exit code and the last line of output', async () => {
  const r = await runCommand(`node -e "console.log('working'); console.error('first'); console.error('boom: it broke'); process.exit(3)"`, { cwd: dir, timeoutMs: 10_000 }).result;
  assert.equal({ ok: r.ok, exitCode: r.exitCode, error: r.error }, { ok: false, exitCode: 3, error: 'exit 3: boom: it broke' });
});

run('the last line of output is plain text: colours and terminal titles are removed', async () => {
  const r = await runCommand(`printf '\\033[31mred failure\\033[0m\\033]0;pwned\\007 bell\\n' >&2; exit 3`, { cwd: dir, timeoutMs: 10_000 }).result;
  assert.is(r.error, 'exit 3: red failure bell');
});

run('a failure without output is just the exit code', async () => {
  const r = await runCommand('exit 7', { cwd: dir, timeoutMs: 10_000 }).result;
  assert.is(r.error, 'exit 7');
});

run('kills the whole process group on timeout, background children included', async () => {
  const command = `node -e "setInterval(() => {}, 1000)" & echo $! > bg.pid; wait`;
  const r = await runCommand(command, { cwd: dir, timeoutMs: 400 }).result;
  assert.equal({ ok: r.ok, timedOut: r.timedOut, error: r.error }, { ok: false, timedOut: true, error: 'timed out after 0.4s' });
  const bg = Number(fs.readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
  assert.ok(bg > 0);
  await waitUntil('the background child was killed', () => isDead(bg));
});

run('kill() stops a running command', async () => {
  const running = runCommand(`node -e "setInterval(() => {}, 1000)"`, { cwd: dir, timeoutMs: 10_000 });
  assert.ok(running.pid !== null);
  setTimeout(() => running.kill('SIGTERM'), 100);
  const r = await running.result;
  assert.equal({ ok: r.ok, signal: r.signal }, { ok: false, signal: 'SIGTERM' });
  assert.match(r.error ?? '', /^killed by SIGTERM/);
});

run('a directory that does not exist is a failed attempt, not a crash', async () => {
  const r = await runCommand('true', { cwd: path.join(dir, 'missing'), timeoutMs: 10_000 }).result;
  assert.is(r.ok, false);
  assert.match(r.error ?? '', /cannot start the command/);
});

run.run();
