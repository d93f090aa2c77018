/**
 * DESIGN §8: a closed stdout (EPIPE: `rush … | head -1`) stops the printing, never the run. The
 * run completes, nothing is printed on stderr, no lock is left, and `status` shows it complete.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lockPath } from '../../src/state/runLock';
import { tempDirPerTest } from '../helpers/tempDir';
import { MAIN, readEvents, requireBuild, runCli } from '../orchestrator/cliHarness';

const pipe = suite('a closed stdout');
let dir = '';
tempDirPerTest(pipe, 'mahabharatha-pipe-', (d) => (dir = d));

/** Runs `mahabharatha ARGS | head -N` in a shell; resolves with what head printed and the command's stderr. */
function throughHead(args: readonly string[], lines: number, env: NodeJS.ProcessEnv = {}): Promise<{ shown: string; stderr: string; code: number | null }> {
  requireBuild();
  const errFile = path.join(dir, 'stderr.txt');
  const quoted = [process.execPath, MAIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${quoted} 2>'${errFile}' | head -${lines}`], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
    let shown = '';
    child.stdout.on('data', (c: Buffer) => (shown += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} | head -${lines} did not end`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ shown, stderr: fs.readFileSync(errFile, 'utf8'), code });
    });
  });
}

function writeGraph(): string {
  const task = (id: string, level: number) => ({ id, title: id, level, dependencies: [], verification: { command: 'sleep 0.1', timeout_seconds: 10 } });
  const file = path.join(dir, 'graph.json');
  fs.writeFileSync(file, JSON.stringify({ feature: 'piped', tasks: [task('A', 1), task('B', 1), task('C', 2), task('D', 3)] }));
  return file;
}

pipe('rush | head -1: the run completes, status shows it complete', async () => {
  const graph = writeGraph();
  const stateDir = path.join(dir, 'state');
  const r = await throughHead(['rush', '--graph', graph, '--workers', '2', '--state-dir', stateDir], 1);
  assert.is(r.shown.split('\n').filter(Boolean).length, 1);
  assert.is(r.stderr, '', 'no error, no stack');
  assert.not.ok(fs.existsSync(lockPath(stateDir, 'piped')), 'the lock is released');
  const { events } = readEvents(stateDir, 'piped');
  assert.is(events.filter((e) => e.type === 'task_complete').length, 4);
  const status = await runCli(['status', '--json', '--feature', 'piped', '--state-dir', stateDir], { cwd: dir });
  const doc = JSON.parse(status.stdout) as { metrics: { tasks_completed: number }; events: { type: string }[] };
  assert.is(doc.metrics.tasks_completed, 4);
  assert.is(doc.events[doc.events.length - 1]?.type, 'rush_completed');
  const text = await runCli(['status', '--feature', 'piped', '--state-dir', stateDir], { cwd: dir });
  assert.match(text.stdout, /Run: COMPLETE/);
});

pipe('demo | head -2: the demo run completes too', async () => {
  const stateDir = path.join(dir, 'state');
  const r = await throughHead(['demo', '--state-dir', stateDir], 2, { TMPDIR: dir });
  assert.is(r.shown.split('\n').filter(Boolean).length, 2);
  assert.is(r.stderr, '', 'no error, no stack');
  const text = await runCli(['status', '--feature', 'worker-metrics', '--state-dir', stateDir], { cwd: dir });
  assert.match(text.stdout, /Run: COMPLETE/);
  assert.match(text.stdout, /100% \(8\/8 tasks\)/);
});

pipe.run();
