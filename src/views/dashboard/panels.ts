/**
 * The dashboard's widgets: built for one layout, then fed models. No computation here beyond
 * placing text — every figure comes from the view-model. A new layout (resize, compact ↔ full)
 * means new widgets, built from the current model rather than resized (nothing is lost: the model
 * has it all). Charts are text (bars and columns of block characters), so they need no canvas.
 */
import blessed from 'blessed';
import type { Layout, Rect } from './layout';
import { tableLines, type TableModel } from './table';
import { escapeTags, segmentsMarkup, type Theme } from './theme';
import type { DashboardModel } from './viewModel';

type Box = blessed.Widgets.BoxElement;

/** Which overlay is open over the panels. */
export type Overlay = 'none' | 'help' | 'tasks' | 'task';

export interface Panels {
  /** The layout these widgets were built for; another one needs new panels. */
  readonly layoutKey: string;
  show(model: DashboardModel, overlay: Overlay): void;
  /** Scrolls the task list overlay by `lines`. */
  scrollTasks(lines: number): void;
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

export function buildPanels(screen: blessed.Widgets.Screen, layout: Layout, theme: Theme): Panels {
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

  const hint = add(blessed.box({ ...place(layout.hint), tags: true, wrap: false, style: { ...theme.hintStyle } }));

  if (layout.mode === 'too-small') {
    const message = add(
      blessed.box({ top: 0, left: 0, width: layout.width, height: Math.max(1, layout.height - 1), tags: true, align: 'center', valign: 'middle' }),
    );
    return {
      layoutKey: layoutKeyOf(layout),
      show(model) {
        message.setContent(escapeTags(model.tooSmall ?? ''));
        hint.setContent(escapeTags(model.hint));
      },
      scrollTasks() {},
      destroy: () => destroyAll(created),
    };
  }

  const header = boxed(layout.header, 'mahabharatha');
  const levels = boxed(layout.levels, 'Levels');
  const workers = boxed(layout.workers, 'Workers');
  const durations = layout.durations ? boxed(layout.durations, 'Task durations') : null;
  const log = layout.log ? boxed(layout.log, 'Events') : null;
  const throughput = layout.throughput ? boxed(layout.throughput, 'Throughput') : null;
  const timeline = layout.timeline ? boxed(layout.timeline, 'Task stream') : null;

  const help = add(
    blessed.box({
      top: 'center',
      left: 'center',
      width: Math.min(layout.width - 2, 48),
      height: Math.min(layout.height - 2, 13),
      border: { type: 'line' },
      label: ' Keys ',
      tags: true,
      hidden: true,
      style: { ...theme.panelStyle },
    }),
  );
  const tasks = add(
    blessed.box({
      top: 'center',
      left: 'center',
      width: Math.min(layout.width - 2, 100),
      height: Math.max(3, Math.min(layout.height - 2, 24)),
      border: { type: 'line' },
      tags: true,
      hidden: true,
      scrollable: true,
      alwaysScroll: true,
      style: { ...theme.panelStyle },
    }),
  );

  let lastOverlay: Overlay = 'none';
  const set = changeTracker();

  const tableContent = (table: TableModel): string => tableLines(table, theme.table).join('\n');
  const countLabel = (name: string, table: TableModel): string => {
    if (!layout.bordered) return '';
    const range = table.rows.length < table.total ? ` ${table.offset + 1}-${table.offset + table.rows.length} of ${table.total}` : ` ${table.total}`;
    return ` ${name} (${range.trim()}) `;
  };

  return {
    layoutKey: layoutKeyOf(layout),
    show(model, overlay) {
      set.content(header, model.header.lines.map((l) => segmentsMarkup(theme, l)).join('\n'));
      set.content(levels, tableContent(model.levels.table));
      set.content(workers, tableContent(model.workers.table));
      if (layout.bordered) {
        set.label(levels, countLabel('Levels', model.levels.table));
        set.label(workers, countLabel('Workers', model.workers.table));
      }
      if (durations) {
        const bars = model.durations.bars.map((b) => `${escapeTags(b.label)} ${theme.tone(b.bar, 'good')} ${b.value}`);
        set.content(durations, [...bars, theme.tone(escapeTags(model.durations.footer), 'muted')].join('\n'));
      }
      if (timeline) set.content(timeline, [...model.timeline.rows.map((r) => segmentsMarkup(theme, r.segments)), theme.tone(escapeTags(model.timeline.footer), 'muted')].join('\n'));
      if (log) {
        set.content(log, model.log.map((l) => `${theme.tone(l.time, 'muted')} ${theme.tone(escapeTags(l.text), l.tone)}`).join('\n'));
        set.label(log, ` ${model.logView.title} `);
      }
      if (throughput) {
        const { chart, title } = model.throughput;
        const rows = chart.rows.map((r) => `${theme.tone(r.axis, 'muted')}${theme.tone(r.columns, 'good')}`);
        set.content(throughput, [...rows, theme.tone(chart.xAxis, 'muted')].join('\n'));
        set.label(throughput, ` ${title} `);
      }
      set.content(hint, escapeTags(model.hint));

      set.content(help, model.help.map(escapeTags).join('\n'));
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
        // A task just opened reads from its top.
        if (lastOverlay !== 'task') tasks.scrollTo(0);
        set.label(tasks, ` ${escapeTags(model.taskDetail.title)} · Esc: back `);
        set.content(tasks, model.taskDetail.lines.map(escapeTags).join('\n'));
        tasks.show();
        tasks.setFront();
      } else tasks.hide();
      if (overlay === 'help') help.setFront();
      lastOverlay = overlay;
    },
    scrollTasks(lines) {
      tasks.scroll(lines);
    },
    destroy: () => destroyAll(created),
  };
}

function destroyAll(elements: readonly blessed.Widgets.BlessedElement[]): void {
  for (const el of elements) {
    el.detach();
    el.destroy();
  }
}
