/**
 * Where each dashboard panel goes for a terminal size (DESIGN §7). Pure: cell rectangles from the
 * size alone, so a resize is "compute the layout again and rebuild the widgets", and the view-model
 * knows how many rows and columns each panel shows.
 */

export type LayoutMode = 'full' | 'compact' | 'too-small';

/** Smallest size of the full layout; below it the compact one. */
const FULL_MIN = { width: 100, height: 30 } as const;
/** Smallest size the dashboard draws at all; below it a "terminal too small" message. */
const MIN_SIZE = { width: 40, height: 12 } as const;

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly mode: LayoutMode;
  readonly width: number;
  readonly height: number;
  /** Whether panels are boxed (full) or bare lines (compact, where every row counts). */
  readonly bordered: boolean;
  readonly header: Rect;
  readonly levels: Rect;
  readonly workers: Rect;
  /** Full layout only. */
  readonly durations: Rect | null;
  readonly throughput: Rect | null;
  readonly log: Rect | null;
  /** Attempts over time per worker (full layout, and a compact one with rows to spare). */
  readonly timeline: Rect | null;
  readonly hint: Rect;
}

export function layoutMode(width: number, height: number): LayoutMode {
  if (width < MIN_SIZE.width || height < MIN_SIZE.height) return 'too-small';
  if (width < FULL_MIN.width || height < FULL_MIN.height) return 'compact';
  return 'full';
}

/** `n` kept within `lo`..`hi`. */
export const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

/** Rows inside a panel (its border takes two when it has one). */
export const innerHeight = (r: Rect, bordered: boolean): number => Math.max(0, r.height - (bordered ? 2 : 0));
/** Columns inside a panel. */
export const innerWidth = (r: Rect, bordered: boolean): number => Math.max(0, r.width - (bordered ? 2 : 0));

/** Rows of a full header: three lines of text in a box. */
const FULL_HEADER = 5;
/** Rows of a compact header: status line and gauge line, no box. */
const COMPACT_HEADER = 2;

/** What the tables hold, so that they get the rows and columns they need and the rest goes to the charts and the log. */
export interface LayoutContent {
  /** Level rows. */
  readonly levels?: number;
  /** Worker rows. */
  readonly workers?: number;
  /** Columns the level table needs for all its figures (full layout), borders not included. */
  readonly levelsWidth?: number;
}

/** Rows the full layout keeps for the charts and the log, however many rows the tables have. */
const MIN_BOTTOM = 10;
/** The task stream's rows: one per worker and its footer, plus a box when it has one; none below `min`. */
const timelineRows = (workers: number, chrome: number, max: number): number => {
  const rows = Math.min(workers + 1 + chrome, max);
  return rows >= 2 + chrome ? rows : 0;
};
/** A compact layout shows the task stream only from this height on: below, the workers need every row. */
const COMPACT_TIMELINE_MIN_HEIGHT = 20;
/** Level table columns when the content does not say (LVL, STATUS, DONE, DURATION, AVG, P50, P95). */
const DEFAULT_LEVELS_WIDTH = 54;

/**
 * The layout for a size. In the full layout the level and worker tables take the rows they need
 * (at most 60% of the body: with more, they scroll), and the rest goes to the task-duration and
 * throughput charts (stacked on the left) and the events log (on the right, as tall as both); the
 * level table takes the columns its figures need, up to half the width. The task stream, full
 * width, takes a row per worker from the charts' share (a quarter of the body at most, and never
 * the charts' last ten rows). The compact layout gives the levels only the rows they need (at most
 * 40%), the task stream a row per worker (30% at most, from 20 rows on), the workers the rest.
 */
export function layoutFor(width: number, height: number, content: LayoutContent = {}): Layout {
  const mode = layoutMode(width, height);
  const levelCount = content.levels ?? 0;
  const hint: Rect = { top: Math.max(0, height - 1), left: 0, width, height: 1 };
  if (mode === 'too-small') {
    const whole: Rect = { top: 0, left: 0, width, height };
    const none: Rect = { top: 0, left: 0, width: 0, height: 0 };
    return { mode, width, height, bordered: false, header: whole, levels: none, workers: none, durations: null, throughput: null, log: null, timeline: null, hint };
  }
  if (mode === 'compact') {
    const body = height - COMPACT_HEADER - 1;
    // A header line plus one row per level, but never more than 40% of the body: workers matter most.
    const levelRows = clamp(levelCount + 1, 2, Math.max(2, Math.floor(body * 0.4)));
    const timeline = height >= COMPACT_TIMELINE_MIN_HEIGHT ? timelineRows(content.workers ?? 0, 0, Math.floor(body * 0.3)) : 0;
    const workerRows = body - levelRows - timeline;
    return {
      mode,
      width,
      height,
      bordered: false,
      header: { top: 0, left: 0, width, height: COMPACT_HEADER },
      levels: { top: COMPACT_HEADER, left: 0, width, height: levelRows },
      workers: { top: COMPACT_HEADER + levelRows, left: 0, width, height: workerRows },
      durations: null,
      throughput: null,
      log: null,
      timeline: timeline > 0 ? { top: COMPACT_HEADER + levelRows + workerRows, left: 0, width, height: timeline } : null,
      hint,
    };
  }
  const body = height - FULL_HEADER - 1;
  // A heading and a border above and below the rows of the longer table.
  const tableNeed = Math.max(levelCount, content.workers ?? 0, 1) + 3;
  const tableRows = clamp(tableNeed, 5, Math.max(5, Math.min(Math.floor(body * 0.6), body - MIN_BOTTOM)));
  const timeline = timelineRows(content.workers ?? 0, 2, Math.min(Math.floor(body * 0.25), body - tableRows - MIN_BOTTOM));
  const bottom = body - tableRows - timeline;
  const levelsWidth = clamp((content.levelsWidth ?? DEFAULT_LEVELS_WIDTH) + 2, 30, Math.floor(width / 2));
  const chartsWidth = Math.floor(width / 2);
  // The histogram has few bars (Sturges' rule); the throughput columns use the height.
  const durationRows = clamp(Math.floor(bottom * 0.4), 5, 12);
  const bottomTop = FULL_HEADER + tableRows + timeline;
  return {
    mode,
    width,
    height,
    bordered: true,
    header: { top: 0, left: 0, width, height: FULL_HEADER },
    levels: { top: FULL_HEADER, left: 0, width: levelsWidth, height: tableRows },
    workers: { top: FULL_HEADER, left: levelsWidth, width: width - levelsWidth, height: tableRows },
    durations: { top: bottomTop, left: 0, width: chartsWidth, height: durationRows },
    throughput: { top: bottomTop + durationRows, left: 0, width: chartsWidth, height: bottom - durationRows },
    log: { top: bottomTop, left: chartsWidth, width: width - chartsWidth, height: bottom },
    timeline: timeline > 0 ? { top: FULL_HEADER + tableRows, left: 0, width, height: timeline } : null,
    hint,
  };
}
