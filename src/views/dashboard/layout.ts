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
  readonly hint: Rect;
}

export function layoutMode(width: number, height: number): LayoutMode {
  if (width < MIN_SIZE.width || height < MIN_SIZE.height) return 'too-small';
  if (width < FULL_MIN.width || height < FULL_MIN.height) return 'compact';
  return 'full';
}

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

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
/** Level table columns when the content does not say (LVL, STATUS, DONE, DURATION, AVG, P50, P95). */
const DEFAULT_LEVELS_WIDTH = 54;

/**
 * The layout for a size. In the full layout the level and worker tables take the rows they need
 * (at most 60% of the body: with more, they scroll), and the rest goes to the task-duration and
 * throughput charts (stacked on the left) and the events log (on the right, as tall as both); the
 * level table takes the columns its figures need, up to half the width. The compact layout gives
 * the levels only the rows they need (at most 40%), the workers the rest.
 */
export function layoutFor(width: number, height: number, content: LayoutContent = {}): Layout {
  const mode = layoutMode(width, height);
  const levelCount = content.levels ?? 0;
  const hint: Rect = { top: Math.max(0, height - 1), left: 0, width, height: 1 };
  if (mode === 'too-small') {
    const whole: Rect = { top: 0, left: 0, width, height };
    const none: Rect = { top: 0, left: 0, width: 0, height: 0 };
    return { mode, width, height, bordered: false, header: whole, levels: none, workers: none, durations: null, throughput: null, log: null, hint };
  }
  if (mode === 'compact') {
    const body = height - COMPACT_HEADER - 1;
    // A header line plus one row per level, but never more than 40% of the body: workers matter most.
    const levelRows = clamp(levelCount + 1, 2, Math.max(2, Math.floor(body * 0.4)));
    return {
      mode,
      width,
      height,
      bordered: false,
      header: { top: 0, left: 0, width, height: COMPACT_HEADER },
      levels: { top: COMPACT_HEADER, left: 0, width, height: levelRows },
      workers: { top: COMPACT_HEADER + levelRows, left: 0, width, height: body - levelRows },
      durations: null,
      throughput: null,
      log: null,
      hint,
    };
  }
  const body = height - FULL_HEADER - 1;
  // A heading and a border above and below the rows of the longer table.
  const tableNeed = Math.max(levelCount, content.workers ?? 0, 1) + 3;
  const tableRows = clamp(tableNeed, 5, Math.max(5, Math.min(Math.floor(body * 0.6), body - MIN_BOTTOM)));
  const bottom = body - tableRows;
  const levelsWidth = clamp((content.levelsWidth ?? DEFAULT_LEVELS_WIDTH) + 2, 30, Math.floor(width / 2));
  const chartsWidth = Math.floor(width / 2);
  // The histogram has few bars (Sturges' rule); the throughput columns use the height.
  const durationRows = clamp(Math.floor(bottom * 0.4), 5, 12);
  const bottomTop = FULL_HEADER + tableRows;
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
    hint,
  };
}
