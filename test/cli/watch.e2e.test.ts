/**
 * End to end: `status --watch` in a real terminal (tmux) beside a running `rush`. Needs tmux
 * (`.ci/run` installs it); without it this test fails and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { TMUX_ENV, tmuxMissing, tmuxServer, type WaitOptions } from '../helpers/tmux';
import { waitUntil } from '../helpers/waitUntil';
import { MAIN, requireBuild } from '../orchestrator/cliHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const GRAPH = path.join(ROOT, 'test', 'fixtures', 'dashboard', 'task-graph.json');
const TOTAL = 12;

/** Our own tmux server, away from any the user runs. */
const server = tmuxServer(`mahabharatha-e2e-${process.pid}`);
const { tmux } = server;
const waitForPane = <T>(what: string, test: (pane: string) => T | null | undefined | false, session = 'dash', options: WaitOptions = {}): Promise<T> =>
  server.waitForPane(session, what, test, options);
const alternateOn = (): boolean => server.alternateOn('dash');

const progressOf = (pane: string): number | null => {
  const m = /RUNNING[\s\S]*?(\d+)\/12 \(\d+%\)/.exec(pane);
  return m ? Number(m[1]) : null;
};

/** A character as drawn: its foreground colour as SGR parameters (`39` default) and its attributes. */
interface Styled {
  readonly char: string;
  readonly fg: string;
  readonly inverse: boolean;
}

/** One captured line read as a terminal would draw it: each character with its foreground and inverse. */
function styledLine(line: string): Styled[] {
  const out: Styled[] = [];
  let fg = '39';
  let inverse = false;
  const sgr = /\u001b\[([0-9;]*)m/y;
  for (let i = 0; i < line.length; ) {
    sgr.lastIndex = i;
    const m = sgr.exec(line);
    if (m) {
      const params = (m[1] === '' ? '0' : (m[1] ?? '0')).split(';');
      for (let k = 0; k < params.length; k++) {
        const p = params[k] ?? '0';
        if (p === '0') [fg, inverse] = ['39', false];
        else if (p === '7') inverse = true;
        else if (p === '27') inverse = false;
        else if (/^(3[0-79]|9[0-7])$/.test(p)) fg = p;
        else if (p === '38' && params[k + 1] === '5') {
          fg = `38;5;${params[k + 2] ?? ''}`;
          k += 2;
        } else if (p === '38' && params[k + 1] === '2') {
          fg = `38;2;${params.slice(k + 2, k + 5).join(';')}`;
          k += 4;
        }
      }
      i = sgr.lastIndex;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) ?? 32);
    out.push({ char, fg, inverse });
    i += char.length;
  }
  return out;
}

/** Black on a dark background: SGR 30, or black in the 256-colour palette. */
const BLACK = new Set(['30', '38;5;0', '38;5;16', '38;2;0;0;0']);

/** The foreground of `word` where it first appears in the styled pane, or null when it is not there. */
function colourOf(pane: string, word: string): { fg: string; line: string } | null {
  for (const line of pane.split('\n')) {
    const cells = styledLine(line);
    const text = cells.map((c) => c.char).join('');
    const at = text.indexOf(word);
    if (at >= 0) return { fg: cells[at]?.fg ?? '39', line: text };
  }
  return null;
}

/** The worker id on the row drawn in inverse (the selection), or null. */
function selectedWorkerRow(pane: string): number | null {
  for (const line of pane.split('\n')) {
    const cells = styledLine(line);
    const inverse = cells.filter((c) => c.inverse).map((c) => c.char).join('');
    const id = /^\s*(\d+) +(stopped|idle|running|STALLED)/.exec(inverse)?.[1];
    if (id !== undefined) return Number(id);
  }
  return null;
}

const e2e = suite('status --watch in a terminal');

e2e('follows a running rush, survives resizes, and q leaves the terminal as it was', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();

  const dir = makeTempDir('mahabharatha-watch-e2e-');
  const stateDir = path.join(dir, 'state');
  let rush: ChildProcess | null = null;
  try {
    rush = spawn(process.execPath, [MAIN, 'rush', '--graph', GRAPH, '--workers', '2', '--state-dir', stateDir], { cwd: dir, stdio: 'ignore', env: TMUX_ENV });
    const rushDone = new Promise<number | null>((resolve) => rush?.on('close', (code) => resolve(code)));
    const log = path.join(stateDir, 'dash-e2e-events.jsonl');
    await waitUntil('rush to start its events log', () => fs.existsSync(log));

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
    assert.match(full, /\d+ tasks? {2}p50/);

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
    server.kill();
    if (rush && rush.exitCode === null) rush.kill('SIGKILL');
    removeTempDir(dir);
  }
});

/** Opens the dashboard on `stateDir` in its own tmux session, with `term` as its TERM. */
function openWatch(session: string, dir: string, stateDir: string, feature: string, term: string): void {
  const watch = `env TERM=${term} NCURSES_NO_UTF8_ACS=1 '${process.execPath}' '${MAIN}' status --watch --state-dir '${stateDir}' --feature ${feature} --interval 200`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, '-c', dir, `${watch}; echo EXIT=$?; sleep 600`);
}

/** A state dir holding the fixture run stopped midway (workers running and idle). */
function midwayRun(dir: string): string {
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir);
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'dashboard', 'run-midway.jsonl'), path.join(stateDir, 'dash-demo-events.jsonl'));
  return stateDir;
}

e2e('under tmux and screen (8 colours) the key hints and worker states keep a visible colour, never black', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();
  const dir = makeTempDir('mahabharatha-watch-colours-');
  try {
    const stateDir = midwayRun(dir);
    for (const term of ['tmux-256color', 'screen']) {
      const session = `colours-${term}`;
      openWatch(session, dir, stateDir, 'dash-demo', term);
      const pane = await waitForPane(`the dashboard with TERM=${term}`, (p) => (p.includes('q quit') && p.includes('idle') ? p : null), session, { styled: true });
      for (const word of ['q quit', '? help', 'idle']) {
        const found = colourOf(pane, word);
        assert.ok(found, `${word} on screen with TERM=${term}`);
        assert.not.ok(BLACK.has(found?.fg ?? ''), `TERM=${term}: "${word}" is drawn black (SGR ${found?.fg}) in: ${found?.line}`);
      }
      // Colour is still used where the terminal has it: the gauge is green.
      assert.is(colourOf(pane, '█')?.fg, '32', `TERM=${term}: the gauge keeps its colour`);
      tmux('send-keys', '-t', session, 'q');
      await waitForPane('the dashboard to exit', (p) => p.includes('EXIT=0'), session);
    }
  } finally {
    server.kill();
    removeTempDir(dir);
  }
});

e2e('three Up keys sent in one burst move the selection three rows', async () => {
  const missing = tmuxMissing();
  if (missing) assert.unreachable(missing);
  requireBuild();
  const dir = makeTempDir('mahabharatha-watch-keys-');
  try {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir);
    const events = generateRun(mulberry32(7), { workers: 6, tasksPerLevel: [6, 6], failRate: 0, producer: 'orch', feature: 'keys' });
    fs.writeFileSync(path.join(stateDir, 'keys-events.jsonl'), toJsonl(events));
    openWatch('keys', dir, stateDir, 'keys', 'tmux-256color');
    const selected = (what: string, id: number) =>
      waitForPane(what, (p) => selectedWorkerRow(p) === id, 'keys', { styled: true });
    // Workers 0..5; the first is selected at the start.
    await selected('the first worker selected', 0);
    tmux('send-keys', '-t', 'keys', 'Down', 'Down', 'Down', 'Down', 'Down');
    await selected('five rows down, sent at once', 5);
    tmux('send-keys', '-t', 'keys', 'Up', 'Up', 'Up');
    await selected('three rows up, sent at once', 2);
    tmux('send-keys', '-t', 'keys', 'q');
    await waitForPane('the dashboard to exit', (p) => p.includes('EXIT=0'), 'keys');
  } finally {
    server.kill();
    removeTempDir(dir);
  }
});

e2e.run();
