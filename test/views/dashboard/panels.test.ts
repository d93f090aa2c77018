import blessed from 'blessed';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { screenText } from '../../../src/views/dashboard';
import { buildPanels, layoutKeyOf, type Overlay } from '../../../src/views/dashboard/panels';
import { themeFor } from '../../../src/views/dashboard/theme';
import { dashboardModel, type DashboardModelOptions } from '../../../src/views/dashboard/viewModel';
import type { RunSnapshot } from '../../../src/metrics/snapshot';
import { complete, fakeTty, fixtureInputs, fold, midway, T0 } from './helpers';

interface Rendered {
  readonly rows: string[];
  readonly text: string;
  /** Cell attributes, [row][col]: blessed packs flags << 18 | fg << 9 | bg. */
  readonly attrs: number[][];
}

/** Draws one model into a fake terminal of the given size and reads the screen back. */
function render(snapshot: RunSnapshot, width: number, height: number, opts: { color?: boolean; overlay?: Overlay; model?: Partial<DashboardModelOptions> } = {}): Rendered {
  const tty = fakeTty(width, height);
  const screen = blessed.screen({ input: tty.input as never, output: tty.output as never, terminal: 'xterm-256color', warnings: false });
  try {
    const model = dashboardModel(snapshot, { now: T0 + 7_000, stallAfterMs: 120_000, selectedWorker: null, paused: false, width, height, timeZone: 'UTC', ...opts.model });
    const panels = buildPanels(screen, model.layout, themeFor(opts.color ?? true));
    panels.show(model, opts.overlay ?? 'none');
    screen.render();
    const rows = screenText(screen);
    const lines = (screen as unknown as { lines: [number, string][][] }).lines;
    const attrs = lines.map((line) => Array.from({ length: width }, (_, x) => line[x]?.[0] ?? 0));
    return { rows, text: rows.join('\n'), attrs };
  } finally {
    screen.destroy();
  }
}

const DEFAULT_COLOURS = (0x1ff << 9) | 0x1ff;
const usesColour = (attrs: number[][]): boolean => attrs.some((row) => row.some((a) => (a & 0x3ffff) !== DEFAULT_COLOURS));

const full = suite('buildPanels: full layout (120×40)');

full('draws the six panels with their titles and the key hint', () => {
  const { rows, text } = render(midway(), 120, 40);
  assert.is(rows.length, 40);
  for (const title of ['mahabharatha', 'Levels (4)', 'Workers (3)', 'Task durations', 'Throughput (tasks per 1s)', 'Events']) assert.ok(text.includes(title), title);
  assert.is(rows[39], 'q quit · ? help · ↑/↓ select worker · Enter tasks · PgUp/PgDn events · p pause');
});

full('shows the header figures: feature, state, elapsed, gauge, progress, ETA and warnings', () => {
  const { rows } = render(midway(), 120, 40);
  assert.match(rows[1] ?? '', /│dash-demo {2}RUNNING {2}elapsed 7s {2}level 2 · 1\/4 levels done {2}workers 1\/3 busy/);
  // Level-aware: L2-C's last 0.75 s, then levels 3 and 4 one mean (2.25 s) each.
  assert.match(rows[2] ?? '', /│█+░+ {2}4\/8 \(50%\) {2}failed 1 {2}ETA ~6s \(est\.\)/);
  assert.match(rows[3] ?? '', /ingest warnings 0/);
});

full('places levels on the left and workers on the right with their values', () => {
  const { rows } = render(midway(), 120, 40);
  const levelRow = rows.find((r) => /│ {2}2 running +2\/3/.test(r)) ?? '';
  assert.ok(levelRow, 'level 2 row');
  const workersAt = levelRow.indexOf('│', 2) + 1;
  assert.ok(workersAt > 40 && workersAt < 70, `workers panel starts at column ${workersAt}`);
  // INIT too: the level figures take columns of 6.
  assert.match(rows.join('\n'), / {2}1 running {2}L2-C +1s +300ms +2 +0 +1\.7s +73% +1s│/);
  // Every figure, P50 included, at 120 columns.
  assert.match(rows.join('\n'), /│LVL STATUS +DONE DURATION +AVG +P50 +P95│/);
});

full('draws the duration bars and the events log with times', () => {
  const { text } = render(complete(), 120, 40, { model: { now: T0 + 12_000 } });
  assert.match(text, /│1\.0s–2\.0s █+ 4│/);
  assert.match(text, /│3\.0s–4\.0s █+ +1│/);
  assert.match(text, /8 tasks {2}p50 1\.7s {2}p95 2\.8s/);
  assert.match(text, /│08:00:10 {3}run completed/);
  assert.match(text, /COMPLETE/);
});

full('shows the help overlay and the selected worker’s tasks on demand', () => {
  assert.match(render(midway(), 120, 40, { overlay: 'help' }).text, /Keys[\s\S]*q, Ctrl-C +quit[\s\S]*p +pause \/ resume updates/);
  const tasks = render(midway(), 120, 40, { overlay: 'tasks', model: { selectedWorker: 1 } }).text;
  assert.match(tasks, /worker 1: 3 tasks/);
  assert.match(tasks, /TASK +LVL +STATUS +STARTED +ENDED +TOOK +ATTEMPT/);
  assert.match(tasks, /L2-A +2 complete +08:00:03 08:00:05 +1\.5s/);
  assert.not.match(render(midway(), 120, 40).text, /worker 1: 3 tasks/);
});

const compact = suite('buildPanels: compact layout');

compact('shows header, levels and workers without boxes at 80×24', () => {
  const { rows, text } = render(midway(), 80, 24);
  assert.match(rows[0] ?? '', /^dash-demo {2}RUNNING {2}elapsed 7s/);
  assert.match(rows[1] ?? '', /^█+░+ {2}4\/8 \(50%\)/);
  assert.match(rows[2] ?? '', /^LVL STATUS +DONE DURATION +AVG +P50 +P95$/);
  assert.match(rows[7] ?? '', /^ {2}W STATE +TASK +FOR +INIT DONE FAIL +AVG UTIL +LAST$/);
  assert.not.ok(text.includes('┌'), 'no boxes');
  assert.not.ok(text.includes('Events'));
  assert.is(rows[23], 'q quit · ? help · ↑/↓ select worker · Enter tasks · p pause');
});

compact('keeps the essentials at the 40×12 minimum', () => {
  const { rows } = render(midway(), 40, 12);
  assert.match(rows[0] ?? '', /^dash-demo {2}RUNNING {2}elapsed 7s/);
  assert.match(rows[1] ?? '', /4\/8 \(50%\)/);
  assert.match(rows[2] ?? '', /^LVL STATUS +DONE/);
  assert.ok(rows.some((r) => /^ {2}1 running {2}L2-C/.test(r)), 'worker 1 row');
  assert.ok(rows.every((r) => [...r].length <= 40));
  assert.match(rows[11] ?? '', /^q quit/);
});

compact('says the terminal is too small below 40×12', () => {
  const { text } = render(midway(), 39, 11);
  assert.match(text.replace(/\s+/g, ' '), /Terminal too small \(39×11\); the dashboard needs at least 40×12\. Press q to quit\./);
  assert.not.ok(text.includes('RUNNING'));
});

const mono = suite('buildPanels: monochrome theme');

mono('uses no colour at all, and the bars are still drawn', () => {
  const plain = render(complete(), 120, 40, { color: false, model: { now: T0 + 12_000 } });
  assert.not.ok(usesColour(plain.attrs), 'a cell has a colour');
  assert.match(plain.text, /│█{20,}/, 'gauge bar');
  assert.match(plain.text, /1\.0s–2\.0s █+/, 'duration bars');
  assert.match(plain.text, /│2│ +█+ /, 'throughput columns');
  // The colour theme does colour (so the check above can fail).
  assert.ok(usesColour(render(complete(), 120, 40, { color: true, model: { now: T0 + 12_000 } }).attrs));
});

mono('marks a stalled worker with a word, not a colour', () => {
  const silent = midway(T0 + 200_000, [{ kind: 'event', event: { type: 'worker_heartbeat', ts: T0 + 5_500, data: { workerId: 1 } } }]);
  const { text } = render(silent, 120, 40, { color: false, model: { now: T0 + 200_000 } });
  assert.match(text, / {2}1 STALLED {2}L2-C/);
  assert.match(text, /1 STALLED/);
});

const keys = suite('layoutKeyOf');

keys('changes with the size, so a resize rebuilds the panels', () => {
  const at = (w: number, h: number) => layoutKeyOf(dashboardModel(midway(), { now: T0, stallAfterMs: 1, selectedWorker: null, paused: false, width: w, height: h }).layout);
  assert.is(at(120, 40), at(120, 40));
  assert.is.not(at(120, 40), at(121, 40));
  assert.is.not(at(120, 40), at(80, 24));
});

keys('changes when the first workers come, so a dashboard opened before them gains its task stream', () => {
  const options = { now: T0, stallAfterMs: 1, selectedWorker: null, paused: false, width: 120, height: 40 };
  // The same run before any worker: its tasks and levels known, so the tables are as tall.
  const planned = new Set(['rush_started', 'task_created', 'level_started']);
  const before = dashboardModel(fold(fixtureInputs('run-midway.jsonl').filter((i) => i.kind !== 'event' || planned.has(i.event.type)), T0), options).layout;
  const after = dashboardModel(midway(), options).layout;
  assert.is(before.timeline, null);
  assert.ok(after.timeline !== null);
  assert.is(before.levels.height, after.levels.height);
  assert.is.not(layoutKeyOf(before), layoutKeyOf(after));
});

full.run();
compact.run();
mono.run();
keys.run();
