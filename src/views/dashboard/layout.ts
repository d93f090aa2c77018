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

/**
 * The layout for a size. `levelCount` lets the compact layout give the levels only the rows they
 * need (the workers take the rest).
 */
export function layoutFor(width: number, height: number, levelCount = 0): Layout {
  const mode = layoutMode(width, height);
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
  const chartRows = clamp(Math.floor(body * 0.4), 9, 16);
  const tableRows = body - chartRows;
  // Levels need about 56 columns for all their figures; the workers table takes the rest.
  const levelsWidth = clamp(Math.floor(width * 0.42), 44, 60);
  const chartTop = FULL_HEADER + tableRows;
  const durationsWidth = Math.floor(width * 0.3);
  const throughputWidth = Math.floor(width * 0.3);
  return {
    mode,
    width,
    height,
    bordered: true,
    header: { top: 0, left: 0, width, height: FULL_HEADER },
    levels: { top: FULL_HEADER, left: 0, width: levelsWidth, height: tableRows },
    workers: { top: FULL_HEADER, left: levelsWidth, width: width - levelsWidth, height: tableRows },
    durations: { top: chartTop, left: 0, width: durationsWidth, height: chartRows },
    throughput: { top: chartTop, left: durationsWidth, width: throughputWidth, height: chartRows },
    log: { top: chartTop, left: durationsWidth + throughputWidth, width: width - durationsWidth - throughputWidth, height: chartRows },
    hint,
  };
}
