/**
 * End to end in a real terminal (tmux): the dashboard's task-stream panel draws bars while a
 * `rush` runs, and `status --task` shows a failed attempt's exit code and the tail of its output.
 * Needs tmux (`.ci/run` installs it); without it this test fails and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { TMUX_ENV, tmuxMissing, tmuxServer } from '../helpers/tmux';
import { waitUntil } from '../helpers/waitUntil';
import { copyGraph, MAIN, requireBuild } from '../orchestrator/cliHarness';

/** Our own tmux server, away from any the user runs (and from the other e2e test's). */
const server = tmuxServer(`mahabharatha-exports-e2e-${process.pid}`);
const { tmux } = server;
const waitForPane = (session: string, what: string, test: (pane: string) => boolean): Promise<string> => server.waitForPane(session, what, (p) => (test(p) ? p : null));

/** A worker's row of the task-stream panel with at least one bar cell. */
const STREAM_ROW = /^│W\d+ +[ █▒x/]*[█▒x][ █▒x/]* *│$/m;

const e2e = suite('task stream and status --task in a terminal');

e2e('the timeline draws bars for a live rush; status --task shows the failed attempt’s exit code and output tail', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();

  const dir = makeTempDir('mahabharatha-exports-e2e-');
  const stateDir = path.join(dir, 'state');
  let rush: ChildProcess | null = null;
  try {
    copyGraph('stream.task-graph.json', dir);
    rush = spawn(process.execPath, [MAIN, 'rush', '--graph', 'stream.task-graph.json', '--workers', '2', '--state-dir', stateDir], { cwd: dir, stdio: 'ignore', env: TMUX_ENV });
    const rushDone = new Promise<number | null>((resolve) => rush?.on('close', (code) => resolve(code)));
    await waitUntil('rush to start its events log', () => fs.existsSync(path.join(stateDir, 'stream-e2e-events.jsonl')));

    const watch = `env TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 NO_COLOR=1 '${process.execPath}' '${MAIN}' status --watch --state-dir '${stateDir}' --feature stream-e2e --interval 200`;
    tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'stream', '-c', dir, `${watch}; echo EXIT=$?; sleep 600`);
    const live = await waitForPane('stream', 'bars in the task stream while the run goes on', (p) => /RUNNING/.test(p) && p.includes('Task stream') && STREAM_ROW.test(p));
    assert.match(live, /0s … \d/);
    // The run ends: both workers' rows hold bars, and the failed attempt is marked.
    assert.is(await rushDone, 0);
    const done = await waitForPane('stream', 'the final task stream', (p) => /COMPLETE/.test(p) && (p.match(new RegExp(STREAM_ROW.source, 'gm')) ?? []).length === 2 && /│W\d+ +[^│]*x/.test(p));
    assert.match(done, /█ done ▒ running x failed \/ interrupted/);
    tmux('send-keys', '-t', 'stream', 'q');
    await waitForPane('stream', 'the dashboard to exit', (p) => p.includes('EXIT=0'));

    const task = `env TERM=xterm-256color '${process.execPath}' '${MAIN}' status --task ST-L1-2 --state-dir '${stateDir}' --feature stream-e2e; echo EXIT=$?; sleep 600`;
    tmux('new-session', '-d', '-x', '120', '-y', '50', '-s', 'task', '-c', dir, task);
    const pane = await waitForPane('task', 'status --task', (p) => p.includes('EXIT='));
    assert.match(pane, /EXIT=0/);
    assert.match(pane, /^Task ST-L1-2 · level 1 · complete · 2 attempts$/m);
    assert.match(pane, /^Attempt 1 · worker \d+ · failed, exit 4$/m);
    assert.match(pane, /^ {2}error: exit 4: line 30$/m);
    assert.match(pane, /^ {2}last 20 lines of .*ST-L1-2\/attempt-1\.log:$/m);
    assert.match(pane, /^ {2}│ line 11$/m);
    assert.match(pane, /^ {2}│ line 30$/m);
    assert.not.match(pane, /^ {2}│ line 10$/m);
    assert.match(pane, /^Attempt 2 · worker \d+ · complete$/m);
    assert.match(pane, /^ {2}│ second time lucky$/m);
  } finally {
    server.kill();
    if (rush && rush.exitCode === null) rush.kill('SIGKILL');
    removeTempDir(dir);
  }
});

e2e.run();
