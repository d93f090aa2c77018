import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HELP_LINES } from '../../../src/views/dashboard/keyHelp';
import { afterFrame, initialUi, uiReducer, type DashboardKey, type UiState } from '../../../src/views/dashboard/ui';
import { dashboardModel } from '../../../src/views/dashboard/viewModel';
import { midway, T0 } from './helpers';

/** A dashboard with three workers listed, worker 2's task list of four lines, an events panel of 12 rows. */
const shown: UiState = {
  ...initialUi,
  shown: { workerIds: [1, 2, 3], selectedIndex: 0, taskIds: ['A', 'B', 'C', null], logPage: 12 },
};

const press = (ui: UiState, ...keys: DashboardKey[]): UiState => keys.reduce(uiReducer, ui);

const quit = suite('uiReducer: quitting');

quit('q and Ctrl-C quit from anywhere', () => {
  for (const overlay of ['none', 'help', 'tasks', 'task'] as const) {
    assert.ok(press({ ...shown, overlay }, 'q').quit, `q with ${overlay}`);
    assert.ok(press({ ...shown, overlay }, 'C-c').quit, `Ctrl-C with ${overlay}`);
  }
});

quit('Esc closes what is open, one step at a time, and quits only when nothing is', () => {
  const task = press(shown, 'enter', 'enter');
  assert.is(task.overlay, 'task');
  const list = press(task, 'escape');
  assert.is(list.overlay, 'tasks');
  assert.not.ok(list.quit);
  const panels = press(list, 'escape');
  assert.is(panels.overlay, 'none');
  assert.not.ok(panels.quit);
  assert.ok(press(panels, 'escape').quit);
  assert.is(press(press(shown, '?'), 'escape').overlay, 'none');
});

quit.run();

const select = suite('uiReducer: selecting');

select('↑/↓ move the selected worker within the list, from the row shown first', () => {
  assert.is(press(shown, 'down').selectedWorker, 2);
  assert.is(press(shown, 'down', 'down', 'down', 'down').selectedWorker, 3);
  assert.is(press(shown, 'down', 'up', 'up').selectedWorker, 1);
  // A chosen worker that is gone: from the row the frame selected.
  assert.is(press({ ...shown, selectedWorker: 9, shown: { ...shown.shown, selectedIndex: 1 } }, 'down').selectedWorker, 3);
  assert.equal(press({ ...initialUi }, 'down'), initialUi, 'no workers: nothing to move');
});

select('keys of one burst each count: two ↓ before any frame move two rows', () => {
  assert.is(press(shown, 'down', 'down').selectedWorker, 3);
});

select('Enter opens the worker’s tasks at their first line; ↑/↓ and PgUp/PgDn move within them', () => {
  const list = press({ ...shown, selectedTaskLine: 3 }, 'enter');
  assert.is(list.overlay, 'tasks');
  assert.is(list.selectedTaskLine, 0);
  assert.is(press(list, 'down', 'down').selectedTaskLine, 2);
  assert.is(press(list, 'pagedown').selectedTaskLine, 3, 'a page down stops at the last line');
  assert.is(press(list, 'down', 'pageup').selectedTaskLine, 0);
  assert.is(press(list, 'down').selectedWorker, null, 'the worker stays chosen while its list is open');
});

select('Enter on a task opens its attempts from the top, Enter again goes back to the list; a line of no task opens nothing', () => {
  const task = press(shown, 'enter', 'down', 'enter');
  assert.is(task.overlay, 'task');
  assert.is(task.openTaskId, 'B');
  assert.is(task.taskScroll, 0);
  assert.is(press(task, 'down', 'down', 'up').taskScroll, 1, '↑/↓ scroll the attempts');
  assert.is(press(task, 'pagedown').taskScroll, 10);
  assert.is(press(task, 'enter').overlay, 'tasks');
  const none = press(shown, 'enter', 'down', 'down', 'down', 'enter');
  assert.is(none.overlay, 'tasks');
  assert.is(none.openTaskId, null);
});

select.run();

const log = suite('uiReducer: the events log, help, pause');

log('PgUp scrolls the events log back a page, PgDn forward, never past the newest; End follows again', () => {
  assert.is(press(shown, 'pageup').logBack, 12);
  assert.is(press(shown, 'pageup', 'pageup', 'pagedown').logBack, 12);
  assert.is(press(shown, 'pagedown').logBack, 0);
  assert.is(press(shown, 'pageup', 'pageup', 'end').logBack, 0);
});

log('? toggles the help over whatever is open', () => {
  const help = press(shown, '?');
  assert.is(help.overlay, 'help');
  assert.is(press(help, '?').overlay, 'none');
  assert.is(press(shown, 'enter', '?').overlay, 'help');
});

log('p pauses and resumes', () => {
  assert.ok(press(shown, 'p').paused);
  assert.not.ok(press(shown, 'p', 'p').paused);
});

log('every key the help lists is one the reducer acts on', () => {
  const listed: ReadonlyArray<readonly [string, DashboardKey]> = [
    ['q, Ctrl-C', 'q'],
    ['Esc', 'escape'],
    ['?', '?'],
    ['↑ / ↓', 'down'],
    ['Enter', 'enter'],
    ['PgUp/PgDn', 'pageup'],
    ['End', 'end'],
    ['p', 'p'],
  ];
  for (const [words, key] of listed) {
    assert.ok(
      HELP_LINES.some((l) => l.startsWith(words)),
      `help lists ${words}`,
    );
    const from = key === 'end' ? press(shown, 'pageup') : shown;
    assert.not.equal(press(from, key), from, `${key} changes something`);
  }
});

log.run();

const frames = suite('afterFrame');

frames('records what the frame shows: workers, the task list, the events page; the scroll as far as there are lines', () => {
  const snapshot = midway();
  const model = dashboardModel(snapshot, { now: T0 + 7_000, stallAfterMs: 120_000, selectedWorker: 2, paused: false, width: 120, height: 40, timeZone: 'UTC', logBack: 1_000 });
  const ui = afterFrame({ ...initialUi, selectedWorker: 2, logBack: 1_000 }, model);
  assert.equal(ui.shown.workerIds, model.workers.rows.map((r) => r.id));
  assert.is(ui.shown.selectedIndex, model.workers.selectedIndex);
  assert.equal(ui.shown.taskIds, model.workerTasks?.taskIds);
  assert.is(ui.shown.logPage, (model.layout.log?.height ?? 0) - 3);
  assert.is(ui.logBack, model.logView.back);
  assert.ok(ui.logBack < 1_000, 'clamped to the older lines there are');
});

frames.run();
