/**
 * What the keys change (DESIGN §7): the overlay open, the worker and task chosen, how far the
 * events log is scrolled, pause, quit. `uiReducer(ui, key)` is pure — the dashboard's shell only
 * feeds it keys and draws what it says — so every key the help lists is tested on its own.
 *
 * Keys act on what the screen shows (the workers listed, the lines of a task list, the height of
 * the events panel): `afterFrame` records that from each frame's model.
 */
import { clamp } from './layout';

/** Which overlay is open over the panels. */
export type Overlay = 'none' | 'help' | 'tasks' | 'task';

/** The keys the dashboard handles (blessed's names; `k`/`j` are bound as up/down). */
export type DashboardKey = 'q' | 'C-c' | 'escape' | '?' | 'up' | 'down' | 'pageup' | 'pagedown' | 'end' | 'enter' | 'p';

/** What the last frame showed, that keys act on. */
export interface Shown {
  /** The workers listed, in order. */
  readonly workerIds: readonly number[];
  /** The row the frame selected (the first one when the chosen worker is gone). */
  readonly selectedIndex: number | null;
  /** The task of each line of the selected worker's task list. */
  readonly taskIds: readonly (string | null)[];
  /** Lines a PgUp/PgDn moves the events log: its height less one line. */
  readonly logPage: number;
}

export interface UiState {
  readonly overlay: Overlay;
  /** Worker id chosen with ↑/↓; null: the first worker. */
  readonly selectedWorker: number | null;
  /** The line chosen in the worker's task list. */
  readonly selectedTaskLine: number;
  /** The task opened from that list (overlay `task`). */
  readonly openTaskId: string | null;
  /** Lines the events log is scrolled back from the newest (0: it follows new events). */
  readonly logBack: number;
  /** Lines the task detail is scrolled by since it opened (the box stops at its ends). */
  readonly taskScroll: number;
  readonly paused: boolean;
  readonly quit: boolean;
  readonly shown: Shown;
}

export const initialUi: UiState = {
  overlay: 'none',
  selectedWorker: null,
  selectedTaskLine: 0,
  openTaskId: null,
  logBack: 0,
  taskScroll: 0,
  paused: false,
  quit: false,
  shown: { workerIds: [], selectedIndex: null, taskIds: [], logPage: 1 },
};

/** Task-list lines a PgUp/PgDn moves. */
const TASK_PAGE = 10;

/** ↑/↓ (and PgUp/PgDn in a task list): the line, the scroll, or the worker. */
function move(ui: UiState, step: number): UiState {
  if (ui.overlay === 'tasks') return { ...ui, selectedTaskLine: clamp(ui.selectedTaskLine + step, 0, Math.max(1, ui.shown.taskIds.length) - 1) };
  if (ui.overlay === 'task') return { ...ui, taskScroll: ui.taskScroll + step };
  const ids = ui.shown.workerIds;
  if (ids.length === 0) return ui;
  // From the selection as the keys left it, not as last drawn: keys in one burst (key repeat, a
  // paste, ssh) arrive before the next frame, and each moves one more row.
  const chosen = ids.indexOf(ui.selectedWorker ?? Number.NaN);
  const at = chosen >= 0 ? chosen : (ui.shown.selectedIndex ?? 0);
  return { ...ui, selectedWorker: ids[clamp(at + step, 0, ids.length - 1)] ?? null };
}

/** PgUp/PgDn: the task list when it is open, else the events log, a page (less one line) at a time. */
function page(ui: UiState, direction: -1 | 1): UiState {
  if (ui.overlay === 'tasks' || ui.overlay === 'task') return move(ui, direction * TASK_PAGE);
  return { ...ui, logBack: Math.max(0, ui.logBack - direction * ui.shown.logPage) };
}

/** Enter: a worker's task list, then the chosen task's attempts, then back to the list. */
function enter(ui: UiState): UiState {
  if (ui.overlay === 'task') return { ...ui, overlay: 'tasks' };
  if (ui.overlay !== 'tasks') return { ...ui, overlay: 'tasks', selectedTaskLine: 0 };
  // The line as the keys left it (a burst may be ahead of the last frame), within the list.
  const ids = ui.shown.taskIds;
  const id = ids[Math.min(ui.selectedTaskLine, ids.length - 1)] ?? null;
  return id === null ? ui : { ...ui, overlay: 'task', openTaskId: id, taskScroll: 0 };
}

export function uiReducer(ui: UiState, key: DashboardKey): UiState {
  switch (key) {
    case 'q':
    case 'C-c':
      return { ...ui, quit: true };
    case 'escape':
      // A task's detail goes back to the list it was opened from; with nothing open, Esc quits.
      if (ui.overlay === 'none') return { ...ui, quit: true };
      return { ...ui, overlay: ui.overlay === 'task' ? 'tasks' : 'none' };
    case '?':
      return { ...ui, overlay: ui.overlay === 'help' ? 'none' : 'help' };
    case 'up':
      return move(ui, -1);
    case 'down':
      return move(ui, 1);
    case 'pageup':
      return page(ui, -1);
    case 'pagedown':
      return page(ui, 1);
    case 'end':
      return { ...ui, logBack: 0 };
    case 'enter':
      return enter(ui);
    case 'p':
      return { ...ui, paused: !ui.paused };
  }
}

/** What `afterFrame` reads of a frame's model (the dashboard's model has it). */
export interface FrameShown {
  readonly layout: { readonly log: { readonly height: number } | null };
  readonly logView: { readonly back: number };
  readonly workers: { readonly rows: readonly { readonly id: number }[]; readonly selectedIndex: number | null };
  readonly workerTasks: { readonly taskIds: readonly (string | null)[] } | null;
}

/**
 * What a frame showed, for the next keys; the events log's scroll as far back as there are older
 * lines (so PgDn moves at once, however often PgUp was pressed).
 */
export function afterFrame(ui: UiState, model: FrameShown): UiState {
  const log = model.layout.log;
  return {
    ...ui,
    logBack: model.logView.back,
    shown: {
      workerIds: model.workers.rows.map((r) => r.id),
      selectedIndex: model.workers.selectedIndex,
      taskIds: model.workerTasks?.taskIds ?? [],
      logPage: log ? Math.max(1, log.height - 3) : 1,
    },
  };
}
