/**
 * The dashboard's widgets: built for one layout, then fed models. No computation here beyond
 * placing text — every figure comes from the view-model. A new layout (resize, compact ↔ full)
 * means new widgets, built from the current model rather than resized (nothing is lost: the model
 * has it all). Charts are text (bars and columns of block characters), so they need no canvas.
 */
import blessed from 'blessed';
import { HELP_LINES } from './keyHelp';
import type { Layout, Rect } from './layout';
import { tableLines, type TableModel } from './table';
import { escapeTags, segmentsMarkup, type Theme } from './theme';
import type { Overlay } from './ui';
import type { DashboardModel } from './viewModel';

type Box = blessed.Widgets.BoxElement;

export type { Overlay } from './ui';

export interface Panels {
  /** The layout these widgets were built for; another one needs new panels. */
  readonly layoutKey: string;
  /** Paints a model, with `overlay` open; `taskScroll`: lines the task detail is scrolled by since it opened. */
  show(model: DashboardModel, overlay: Overlay, taskScroll?: number): void;
  destroy(): void;
}

/** What a layout's widgets depend on: the task stream comes (and grows) with the workers, after the dashboard opened. */
export const layoutKeyOf = (layout: Layout): string =>
  [layout.mode, layout.width, layout.height, layout.levels.height, layout.timeline?.height ?? 0].join(':');

const place = (r: Rect) => ({ top: r.top, left: r.left, width: r.width, height: r.height });

/**
 * Sets content and labels only when they change: blessed parses content and rebuilds a label's
 * element on every call, which is most of a frame's cost when little changed.
 */
function changeTracker() {
  const contents = new WeakMap<Box, string>();
  const labels = new WeakMap<Box, string>();
  return {
    content(el: Box, text: string): void {
      if (contents.get(el) === text) return;
      contents.set(el, text);
      el.setContent(text);
    },
    label(el: Box, text: string): void {
      if (labels.get(el) === text) return;
      labels.set(el, text);
      el.setLabel(text);
    },
  };
}
type Tracker = ReturnType<typeof changeTracker>;

/** Adds widgets to the screen, remembering them so that `destroy` removes them all. */
function widgetMaker(screen: blessed.Widgets.Screen, layout: Layout, theme: Theme) {
  const created: blessed.Widgets.BlessedElement[] = [];
  const add = <T extends blessed.Widgets.BlessedElement>(el: T): T => {
    screen.append(el);
    created.push(el);
    return el;
  };
  const boxed = (r: Rect, label?: string): Box =>
    add(
      blessed.box({
        ...place(r),
        tags: true,
        wrap: false,
        ...(layout.bordered ? { border: { type: 'line' }, style: { ...theme.panelStyle } } : {}),
        ...(layout.bordered && label ? { label: ` ${label} ` } : {}),
      }),
    );
  return { created, add, boxed };
}

/** The too-small layout: its message and the key hint. */
function tooSmallPanels(layout: Layout, make: ReturnType<typeof widgetMaker>, hint: Box): Panels {
  const message = make.add(blessed.box({ top: 0, left: 0, width: layout.width, height: Math.max(1, layout.height - 1), tags: true, align: 'center', valign: 'middle' }));
  return {
    layoutKey: layoutKeyOf(layout),
    show(model) {
      message.setContent(escapeTags(model.tooSmall ?? ''));
      hint.setContent(escapeTags(model.hint));
    },
    destroy: () => destroyAll(make.created),
  };
}

/** The panels of the full and compact layouts, and the two overlays (help; a worker's tasks or a task). */
function mainWidgets(layout: Layout, theme: Theme, make: ReturnType<typeof widgetMaker>) {
  const { boxed, add } = make;
  const overlay = { top: 'center', left: 'center', border: { type: 'line' }, tags: true, hidden: true, style: { ...theme.panelStyle } } as const;
  return {
    header: boxed(layout.header, 'mahabharatha'),
    levels: boxed(layout.levels, 'Levels'),
    workers: boxed(layout.workers, 'Workers'),
    durations: layout.durations ? boxed(layout.durations, 'Task durations') : null,
    log: layout.log ? boxed(layout.log, 'Events') : null,
    throughput: layout.throughput ? boxed(layout.throughput, 'Throughput') : null,
    timeline: layout.timeline ? boxed(layout.timeline, 'Task stream') : null,
    help: add(blessed.box({ ...overlay, width: Math.min(layout.width - 2, 48), height: Math.min(layout.height - 2, 13), label: ' Keys ' })),
    tasks: add(
      blessed.box({ ...overlay, width: Math.min(layout.width - 2, 100), height: Math.max(3, Math.min(layout.height - 2, 24)), scrollable: true, alwaysScroll: true }),
    ),
  };
}
type Widgets = ReturnType<typeof mainWidgets>;

export function buildPanels(screen: blessed.Widgets.Screen, layout: Layout, theme: Theme): Panels {
  const make = widgetMaker(screen, layout, theme);
  const hint = make.add(blessed.box({ ...place(layout.hint), tags: true, wrap: false, style: { ...theme.hintStyle } }));
  if (layout.mode === 'too-small') return tooSmallPanels(layout, make, hint);
  const w = mainWidgets(layout, theme, make);
  const set = changeTracker();
  const overlays = overlayPainter(w, theme, set);
  return {
    layoutKey: layoutKeyOf(layout),
    show(model, overlay, taskScroll = 0) {
      paintPanels(w, model, layout, theme, set);
      set.content(hint, escapeTags(model.hint));
      overlays(model, overlay, taskScroll);
    },
    destroy: () => destroyAll(make.created),
  };
}

/** The panels' content and labels from a model. */
function paintPanels(w: Widgets, model: DashboardModel, layout: Layout, theme: Theme, set: Tracker): void {
  const tableContent = (table: TableModel): string => tableLines(table, theme.table).join('\n');
  set.content(w.header, model.header.lines.map((l) => segmentsMarkup(theme, l)).join('\n'));
  set.content(w.levels, tableContent(model.levels.table));
  set.content(w.workers, tableContent(model.workers.table));
  if (layout.bordered) {
    set.label(w.levels, countLabel('Levels', model.levels.table));
    set.label(w.workers, countLabel('Workers', model.workers.table));
  }
  if (w.durations) {
    const bars = model.durations.bars.map((b) => `${escapeTags(b.label)} ${theme.tone(b.bar, 'good')} ${b.value}`);
    set.content(w.durations, [...bars, theme.tone(escapeTags(model.durations.footer), 'muted')].join('\n'));
  }
  if (w.timeline) set.content(w.timeline, [...model.timeline.rows.map((r) => segmentsMarkup(theme, r.segments)), theme.tone(escapeTags(model.timeline.footer), 'muted')].join('\n'));
  if (w.log) {
    set.content(w.log, model.log.map((l) => `${theme.tone(l.time, 'muted')} ${theme.tone(escapeTags(l.text), l.tone)}`).join('\n'));
    set.label(w.log, ` ${model.logView.title} `);
  }
  if (w.throughput) {
    const { chart, title } = model.throughput;
    const rows = chart.rows.map((r) => `${theme.tone(r.axis, 'muted')}${theme.tone(r.columns, 'good')}`);
    set.content(w.throughput, [...rows, theme.tone(chart.xAxis, 'muted')].join('\n'));
    set.label(w.throughput, ` ${title} `);
  }
}

/** `Workers (1-20 of 64)`, or `Workers (64)` when all rows show. */
function countLabel(name: string, table: TableModel): string {
  const range = table.rows.length < table.total ? ` ${table.offset + 1}-${table.offset + table.rows.length} of ${table.total}` : ` ${table.total}`;
  return ` ${name} (${range.trim()}) `;
}

/** The help overlay's text, escaped for blessed's tags. */
const HELP_TEXT = HELP_LINES.map(escapeTags).join('\n');

/** Shows the overlay that is open: the help, a worker's task list (its chosen line inverse), or a task's detail. */
function overlayPainter(w: Widgets, theme: Theme, set: Tracker) {
  const { help, tasks } = w;
  let lastOverlay: Overlay = 'none';
  // Lines the task detail has been scrolled by since it opened (the box stops at its ends).
  let scrolled = 0;
  return (model: DashboardModel, overlay: Overlay, taskScroll: number): void => {
    set.content(help, HELP_TEXT);
    if (overlay === 'help') help.show();
    else help.hide();
    if (overlay === 'tasks' && model.workerTasks) {
      const list = model.workerTasks;
      set.label(tasks, ` ${escapeTags(list.title)} · Enter: a task's attempts `);
      // The heading, then one line per task; the chosen one inverse.
      set.content(tasks, [`{bold}${escapeTags(list.header)}{/bold}`, ...list.lines.map((l, i) => (i === list.selected ? theme.table.selected(escapeTags(l)) : escapeTags(l)))].join('\n'));
      tasks.scrollTo(list.selected + 1);
      tasks.show();
      tasks.setFront();
    } else if (overlay === 'task' && model.taskDetail) {
      set.label(tasks, ` ${escapeTags(model.taskDetail.title)} · Esc: back `);
      set.content(tasks, model.taskDetail.lines.map(escapeTags).join('\n'));
      // A task just opened reads from its top.
      if (lastOverlay !== 'task') {
        tasks.scrollTo(0);
        scrolled = 0;
      }
      if (taskScroll !== scrolled) tasks.scroll(taskScroll - scrolled);
      scrolled = taskScroll;
      tasks.show();
      tasks.setFront();
    } else tasks.hide();
    if (overlay === 'help') help.setFront();
    lastOverlay = overlay;
  };
}

function destroyAll(elements: readonly blessed.Widgets.BlessedElement[]): void {
  for (const el of elements) {
    el.detach();
    el.destroy();
  }
}
