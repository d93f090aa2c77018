/**
 * End to end: `status --watch` in a real terminal (tmux) beside a running `rush`. Needs tmux
 * (`.ci/run` installs it); without it this test fails and says so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { MAIN, requireBuild } from '../orchestrator/cliHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const GRAPH = path.join(ROOT, 'test', 'fixtures', 'dashboard', 'task-graph.json');
const TOTAL = 12;

/** Our own tmux server, away from any the user runs. */
const SOCKET = `mahabharatha-e2e-${process.pid}`;
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'TMUX' && k !== 'TMUX_PANE'));

function tmux(...args: string[]): string {
  const run = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', env: ENV });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

function tmuxMissing(): string | null {
  const run = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    return 'tmux is not installed: this end-to-end dashboard test needs it (.ci/run installs it; or `apt-get install tmux`)';
  }
  const version = /tmux (?:next-)?(\d+\.\d+)/.exec(run.stdout)?.[1];
  return version !== undefined && Number(version) < 2.9 ? `tmux ${version} is too old for this test (resize-window needs 2.9)` : null;
}

const capture = (): string => tmux('capture-pane', '-p', '-t', 'dash');
const alternateOn = (): boolean => tmux('display-message', '-p', '-t', 'dash', '#{alternate_on}').trim() === '1';

/** Polls the pane until `test` accepts it (the dashboard redraws on its own clock). */
async function waitForPane<T>(what: string, test: (pane: string) => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pane = '';
  for (;;) {
    pane = capture();
    const found = test(pane);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the pane shows:\n${pane}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const progressOf = (pane: string): number | null => {
  const m = /RUNNING[\s\S]*?(\d+)\/12 \(\d+%\)/.exec(pane);
  return m ? Number(m[1]) : null;
};

const e2e = suite('status --watch in a terminal');

e2e('follows a running rush, survives resizes, and q leaves the terminal as it was', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();

  const dir = makeTempDir('mahabharatha-watch-e2e-');
  const stateDir = path.join(dir, 'state');
  let rush: ChildProcess | null = null;
  try {
    rush = spawn(process.execPath, [MAIN, 'rush', '--graph', GRAPH, '--workers', '2', '--state-dir', stateDir], { cwd: dir, stdio: 'ignore', env: ENV });
    const rushDone = new Promise<number | null>((resolve) => rush?.on('close', (code) => resolve(code)));
    const log = path.join(stateDir, 'dash-e2e-events.jsonl');
    for (let i = 0; !fs.existsSync(log); i++) {
      if (i > 150) throw new Error('rush did not start its events log within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    const watch = `env TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 '${process.execPath}' '${MAIN}' status --watch --state-dir '${stateDir}' --feature dash-e2e --interval 200`;
    tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'dash', '-c', dir, `${watch}; echo EXIT=$?; sleep 600`);

    // Two captures while the run goes on: the progress advances.
    const first = await waitForPane('the dashboard with a running rush', (p) => {
      const n = progressOf(p);
      return n !== null && n < TOTAL ? { n, pane: p } : null;
    });
    for (const panel of ['Levels (3)', 'Workers (2)', 'Task durations', 'Throughput', 'Events']) assert.ok(first.pane.includes(panel), `${panel} in\n${first.pane}`);
    assert.ok(alternateOn(), 'the dashboard draws on the alternate screen');
    await waitForPane('the progress to advance', (p) => {
      const n = progressOf(p) ?? (/COMPLETE/.test(p) ? TOTAL : null);
      return n !== null && n > first.n;
    });

    // Smaller: the compact layout (header, levels, workers).
    tmux('resize-window', '-t', 'dash', '-x', '90', '-y', '26');
    const compact = await waitForPane('the compact layout', (p) => (/^dash-e2e {2}(RUNNING|COMPLETE)/.test(p) && !p.includes('┌') ? p : null));
    assert.match(compact, /LVL STATUS/);
    assert.match(compact, /W STATE/);
    // Back to full size: every panel again, charts with their data.
    tmux('resize-window', '-t', 'dash', '-x', '120', '-y', '40');
    const full = await waitForPane('the full layout again', (p) => (p.includes('Task durations') && p.includes('Events') ? p : null));
    for (const panel of ['Levels (3)', 'Workers (2)', 'Throughput']) assert.ok(full.includes(panel), panel);
    assert.match(full, /\d+ tasks {2}p50/);

    // The run ends; the dashboard stays on the final figures.
    assert.is(await rushDone, 0);
    await waitForPane('the final figures', (p) => p.includes('COMPLETE') && p.includes('12/12 (100%)'));
    assert.ok(alternateOn());

    tmux('send-keys', '-t', 'dash', 'q');
    const after = await waitForPane('the dashboard to exit', (p) => (p.includes('EXIT=') ? p : null));
    assert.match(after, /EXIT=0/);
    assert.not.ok(alternateOn(), 'alternate screen left');
    assert.not.ok(after.includes('mahabharatha'), `the dashboard is gone from the screen:\n${after}`);
  } finally {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { env: ENV });
    if (rush && rush.exitCode === null) rush.kill('SIGKILL');
    removeTempDir(dir);
  }
});

e2e.run();
