/**
 * Text tables for the dashboard: which columns fit a width, and the lines they make. Pure; the
 * widget layer only says how a cell's tone is painted (colour tags, or nothing in monochrome).
 */
import { oneLine, padEnd, padStart } from '../format';

/** How a cell reads beyond its text: the monochrome theme keeps the text, colour adds a hue. */
export type Tone = 'normal' | 'good' | 'warn' | 'alert' | 'muted';

export interface ColumnSpec {
  readonly key: string;
  readonly header: string;
  /** Columns it takes (its header is cut to it). */
  readonly width: number;
  /** Lower is kept first when the width runs short; 0 is never dropped. */
  readonly priority: number;
  readonly align?: 'left' | 'right';
  /** Grows up to this width with the room other columns leave. */
  readonly maxWidth?: number;
}

export interface Column {
  readonly key: string;
  readonly header: string;
  readonly width: number;
  readonly align: 'left' | 'right';
}

export interface Cell {
  readonly text: string;
  readonly tone?: Tone;
}

export interface TableRow {
  readonly cells: readonly Cell[];
  readonly selected: boolean;
}

export interface TableModel {
  readonly columns: readonly Column[];
  /** The rows shown (a window of `total` when they do not all fit). */
  readonly rows: readonly TableRow[];
  /** Index of the first row shown, and how many rows there are in all. */
  readonly offset: number;
  readonly total: number;
}

/** Columns are separated by one space. */
const GAP = 1;

/** Columns a table needs to show every column: their widths and the gaps between them. */
export const tableWidth = (columns: readonly ColumnSpec[]): number => columns.reduce((n, c) => n + c.width, 0) + Math.max(0, columns.length - 1) * GAP;

/**
 * The columns that fit `width`: by priority, then in their declared order; leftover room goes to
 * the columns with a `maxWidth`.
 */
export function fitColumns(specs: readonly ColumnSpec[], width: number): Column[] {
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  const kept = new Set<ColumnSpec>();
  let used = 0;
  for (const spec of byPriority) {
    const need = spec.width + (kept.size > 0 ? GAP : 0);
    if (spec.priority > 0 && used + need > width) continue;
    kept.add(spec);
    used += need;
  }
  let spare = Math.max(0, width - used);
  const columns = specs.filter((s) => kept.has(s)).map((s) => ({ spec: s, width: s.width }));
  for (const c of columns) {
    if (spare <= 0) break;
    const grow = Math.min(spare, Math.max(0, (c.spec.maxWidth ?? c.width) - c.width));
    c.width += grow;
    spare -= grow;
  }
  return columns.map(({ spec, width: w }) => ({ key: spec.key, header: spec.header, width: w, align: spec.align ?? 'left' }));
}

/** The window of `visible` rows out of `total` that keeps `focus` in view, centred when it can. */
export function scrollWindow(total: number, visible: number, focus: number | null): { offset: number; count: number } {
  const count = Math.max(0, Math.min(total, visible));
  if (count === total || focus === null) return { offset: 0, count };
  const offset = Math.max(0, Math.min(total - count, focus - Math.floor(count / 2)));
  return { offset, count };
}

/**
 * A table of the rows that fit `height` lines (one goes to the header), keeping row `focus` shown.
 * `cellsOf` gives a row's cells by column key.
 */
export function buildTable<R>(
  specs: readonly ColumnSpec[],
  items: readonly R[],
  options: {
    readonly width: number;
    readonly height: number;
    readonly focus: number | null;
    readonly selected: number | null;
    readonly cellsOf: (item: R) => Readonly<Record<string, Cell>>;
  },
): TableModel {
  const columns = fitColumns(specs, options.width);
  const { offset, count } = scrollWindow(items.length, Math.max(0, options.height - 1), options.focus);
  const rows: TableRow[] = [];
  for (let i = offset; i < offset + count; i++) {
    const item = items[i] as R;
    const byKey = options.cellsOf(item);
    rows.push({ cells: columns.map((c) => byKey[c.key] ?? { text: '' }), selected: i === options.selected });
  }
  return { columns, rows, offset, total: items.length };
}

const fit = (text: string, column: Column): string => {
  const cut = oneLine(text, column.width);
  return column.align === 'right' ? padStart(cut, column.width) : padEnd(cut, column.width);
};

/** How the widget layer paints: a tone on a cell, the header, the selected row. */
export interface TablePainter {
  readonly cell: (text: string, tone: Tone) => string;
  readonly header: (line: string) => string;
  readonly selected: (line: string) => string;
  /** Escapes text for the widget's markup (blessed tags); identity for plain text. */
  readonly escape: (text: string) => string;
}

const plainPainter: TablePainter = {
  cell: (text) => text,
  header: (line) => line,
  selected: (line) => line,
  escape: (text) => text,
};

/** The header line and row lines of a table; every line is exactly as wide as its columns. */
export function tableLines(table: TableModel, paint: TablePainter = plainPainter): string[] {
  const header = table.columns.map((c) => paint.escape(fit(c.header, c))).join(' ');
  const lines = [paint.header(header)];
  for (const row of table.rows) {
    const text = row.cells.map((cell, i) => paint.cell(paint.escape(fit(cell.text, table.columns[i] as Column)), cell.tone ?? 'normal')).join(' ');
    lines.push(row.selected ? paint.selected(text) : text);
  }
  return lines;
}
