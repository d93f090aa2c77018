/**
 * `status --broker --watch` in a real terminal (tmux) from a directory with no local files, on a
 * run whose workers `rush` starts itself (`--workers 2 --broker`). Stopped mid-run and started
 * again, the watcher picks the run up where it stands: it reads the stream from its start (a
 * watcher writes nothing, so it keeps no position; the stream is the whole record) and each event
 * counts once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startRedis } from '../helpers/redisServer';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { tmuxMissing, tmuxServer } from '../helpers/tmux';
import { copyGraph, MAIN, requireBuild, runCli, startCli, waitForEvents } from '../orchestrator/cliHarness';

const server = tmuxServer(`mahabharatha-broker-watch-${process.pid}`);
const progressOf = (pane: string): number | null => {
  const m = /(\d+)\/6 \(\d+%\)/.exec(pane);
  return m ? Number(m[1]) : null;
};

const watch = suite('status --broker --watch');

watch('stopped and started again mid-run, the watcher shows the whole run, each event once', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();
  const redis = await startRedis();
  const dir = makeTempDir('mahabharatha-broker-watch-');
  try {
    const orch = path.join(dir, 'orch');
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(orch);
    fs.mkdirSync(elsewhere);
    copyGraph('broker-watch.task-graph.json', orch);
    const rush = startCli(['rush', '--graph', 'broker-watch.task-graph.json', '--workers', '2', '--broker', redis.url, '--state-dir', 'state'], { cwd: orch, timeoutMs: 90_000 });
    const stateDir = path.join(orch, 'state');
    await waitForEvents(stateDir, 'watched', (events) => events.some((e) => e.type === 'task_started'));

    const command = `env TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 '${process.execPath}' '${MAIN}' status --watch --broker ${redis.url} --feature watched --interval 200`;
    const open = (name: string): void => {
      server.tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', name, '-c', elsewhere, `${command}; echo EXIT=$?; sleep 600`);
    };
    open('first');
    const seen = await server.waitForPane('first', 'the dashboard of the running run', (p) => (/RUNNING/.test(p) ? progressOf(p) ?? null : null));
    assert.ok(seen < 6);
    server.tmux('send-keys', '-t', 'first', 'q');
    assert.match(await server.waitForPane('first', 'the first watcher to exit', (p) => (p.includes('EXIT=') ? p : null)), /EXIT=0/);

    // The run goes on without a watcher; a new one comes.
    await waitForEvents(stateDir, 'watched', (events) => events.filter((e) => e.type === 'level_complete').length >= 2);
    open('second');
    const r = await rush.result;
    assert.is(r.code, 0, r.stderr + r.stdout);
    const final = await server.waitForPane('second', 'the final figures', (p) => (p.includes('COMPLETE') && p.includes('6/6 (100%)') ? p : null));
    assert.match(final, /Workers \(2\)/);
    assert.equal(fs.readdirSync(elsewhere), [], 'the watcher writes nothing');
    server.tmux('send-keys', '-t', 'second', 'q');
    assert.match(await server.waitForPane('second', 'the second watcher to exit', (p) => (p.includes('EXIT=') ? p : null)), /EXIT=0/);

    // What it showed is the run as its orchestrator recorded it.
    const json = await runCli(['status', '--json', '--state-dir', 'state', '--feature', 'watched'], { cwd: orch });
    const metrics = (JSON.parse(json.stdout) as { metrics: { tasks_completed: number; workers_used: number } }).metrics;
    assert.equal([metrics.tasks_completed, metrics.workers_used], [6, 2]);
  } finally {
    server.kill();
    await redis.stop();
    removeTempDir(dir);
  }
});

watch.run();
