/**
 * The task-stream panel (DESIGN §10, like Dask's): one row per worker, its attempts drawn as bars
 * over the run's time, scaled to the panel's width. Pure: the snapshot, the clock and the panel
 * size in, rows of characters out. Bars are characters, distinct per outcome, so failures and
 * interruptions read without colour (NO_COLOR); the tone only adds hue.
 */
import type { AttemptOutcome } from '../../metrics/attempts';
import type { RunSnapshot } from '../../metrics/snapshot';
import { formatDuration } from '../format';
import type { Cell, Tone } from './table';

export interface TimelineRow {
  readonly workerId: number;
  /** The row as runs of one character and tone: `W3 ███  ▒▒`. */
  readonly segments: readonly Cell[];
}

export interface TimelineModel {
  readonly rows: readonly TimelineRow[];
  /** Bars drawn (attempts that reached at least one cell). */
  readonly bars: number;
  /** `0s … 1m30s` under the bars, with the legend. */
  readonly footer: string;
}

export interface TimelineOptions {
  readonly now: number;
  /** Columns and rows inside the panel. */
  readonly width: number;
  readonly height: number;
}

/** Character and tone per outcome; a cell two attempts share shows the one listed first here. */
const MARKS: ReadonlyArray<[AttemptOutcome, string, Tone]> = [
  ['failed', 'x', 'alert'],
  ['interrupted', '/', 'warn'],
  ['abandoned', '/', 'warn'],
  ['running', '▒', 'normal'],
  ['complete', '█', 'good'],
];
const RANK = new Map(MARKS.map(([outcome], i) => [outcome, i]));
const IDLE = ' ';
const TIMELINE_LEGEND = '█ done ▒ running x failed / interrupted';

const EMPTY: TimelineModel = { rows: [], bars: 0, footer: 'no attempts yet' };

/**
 * The attempts as columns of numbers, worked out once per snapshot: a frame of a running run only
 * rescales them to the clock (a long run records up to 100,000 attempts).
 */
export interface TimelineBasis {
  /** Every worker (of the metrics or of an attempt), by id. */
  readonly workers: readonly number[];
  /** Per attempt with a worker and a time: its worker's index in `workers`, first instant, end (NaN while running), mark rank. */
  readonly row: Uint32Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  readonly rank: Uint8Array;
  /** The earliest first instant of an attempt (Infinity when none). */
  readonly earliest: number;
  readonly attempts: number;
}

export function timelineBasis(snapshot: RunSnapshot): TimelineBasis {
  const { attempts } = snapshot;
  const ids = new Set<number>(snapshot.metrics.workerMetrics.map((w) => w.workerId));
  for (const a of attempts) if (a.workerId !== null) ids.add(a.workerId);
  const workers = [...ids].sort((a, b) => a - b);
  const rowOf = new Map(workers.map((w, i) => [w, i]));
  const n = attempts.length;
  const row = new Uint32Array(n);
  const from = new Float64Array(n);
  const to = new Float64Array(n);
  const rank = new Uint8Array(n);
  let earliest = Infinity;
  let k = 0;
  for (const a of attempts) {
    const first = a.claimedAt ?? a.startedAt ?? a.endedAt;
    if (first === null) continue;
    earliest = Math.min(earliest, first);
    if (a.workerId === null) continue;
    row[k] = rowOf.get(a.workerId) ?? 0;
    from[k] = first;
    to[k] = a.endedAt ?? Number.NaN;
    rank[k] = RANK.get(a.outcome) ?? MARKS.length - 1;
    k += 1;
  }
  return { workers, row: row.subarray(0, k), from: from.subarray(0, k), to: to.subarray(0, k), rank: rank.subarray(0, k), earliest, attempts: n };
}

export function timelineOf(snapshot: RunSnapshot, options: TimelineOptions, basis: TimelineBasis = timelineBasis(snapshot)): TimelineModel {
  if (basis.attempts === 0 || options.height < 2) return EMPTY;
  const { workers } = basis;
  const shown = workers.slice(0, options.height - 1);
  const labelWidth = Math.max(...shown.map((w) => `W${w}`.length)) + 1;
  const cols = options.width - labelWidth;
  if (cols < 4 || shown.length === 0) return EMPTY;

  // The run's time, from its start to now (or its end), across the columns.
  const end = snapshot.endedAt ?? Math.max(options.now, snapshot.lastEventAt ?? options.now);
  const start = Math.min(snapshot.startedAt ?? end, basis.earliest);
  const span = Math.max(1, end - start);
  const grid = new Int8Array(shown.length * cols).fill(-1);
  const bars = paintAttempts(basis, grid, shown.length, { start, span, end, cols });

  const rows = shown.map((w, r): TimelineRow => ({ workerId: w, segments: [{ text: `W${w}`.padEnd(labelWidth) }, ...runsOf(grid.subarray(r * cols, (r + 1) * cols))] }));
  const more = workers.length - shown.length;
  const axis = `0s … ${formatDuration(span)}${more > 0 ? `  +${more} workers` : ''}`;
  const footer = `${axis}  ${TIMELINE_LEGEND}`.length <= options.width ? `${axis}  ${TIMELINE_LEGEND}` : axis;
  return { rows, bars, footer };
}

/**
 * Marks each attempt's cells on its worker's row of `grid` (rows × cols, the first `rows` workers;
 * the more telling mark wins a shared cell); returns the bars drawn. A tight loop over the columns
 * of numbers: a long run repaints 100,000 attempts every frame.
 */
function paintAttempts(basis: TimelineBasis, grid: Int8Array, rows: number, scale: { start: number; span: number; end: number; cols: number }): number {
  const { start, span, end, cols } = scale;
  let bars = 0;
  for (let i = 0; i < basis.row.length; i++) {
    const r = basis.row[i] as number;
    if (r >= rows) continue;
    const ended = basis.to[i] as number;
    const to = Number.isNaN(ended) ? end : ended;
    const rank = basis.rank[i] as number;
    // An attempt shorter than a column still gets its cell: a failure must never vanish.
    const first = Math.min(cols - 1, Math.max(0, Math.floor((((basis.from[i] as number) - start) / span) * cols)));
    const last = Math.min(cols - 1, Math.max(first, Math.ceil(((to - start) / span) * cols) - 1));
    for (let c = r * cols + first, stop = r * cols + last; c <= stop; c++) {
      const held = grid[c] as number;
      if (held === -1 || rank < held) grid[c] = rank;
    }
    bars += 1;
  }
  return bars;
}

/** Cells as runs of one mark: few segments, so little markup per frame. */
function runsOf(cells: ArrayLike<number>): Cell[] {
  const out: Cell[] = [];
  let i = 0;
  while (i < cells.length) {
    const rank = cells[i] ?? -1;
    let j = i;
    while (j < cells.length && cells[j] === rank) j++;
    const mark = MARKS[rank];
    out.push(mark === undefined ? { text: IDLE.repeat(j - i) } : { text: mark[1].repeat(j - i), tone: mark[2] });
    i = j;
  }
  return out;
}
