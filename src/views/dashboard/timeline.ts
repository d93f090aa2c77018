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
export const TIMELINE_LEGEND = '█ done ▒ running x failed / interrupted';

const EMPTY: TimelineModel = { rows: [], bars: 0, footer: 'no attempts yet' };

export function timelineOf(snapshot: RunSnapshot, options: TimelineOptions): TimelineModel {
  const { attempts } = snapshot;
  if (attempts.length === 0 || options.height < 2) return EMPTY;
  const ids = new Set<number>(snapshot.metrics.workerMetrics.map((w) => w.workerId));
  for (const a of attempts) if (a.workerId !== null) ids.add(a.workerId);
  const workers = [...ids].sort((a, b) => a - b);
  const shown = workers.slice(0, options.height - 1);
  const labelWidth = Math.max(...shown.map((w) => `W${w}`.length)) + 1;
  const cols = options.width - labelWidth;
  if (cols < 4 || shown.length === 0) return EMPTY;

  // The run's time, from its start to now (or its end), across the columns.
  const end = snapshot.endedAt ?? Math.max(options.now, snapshot.lastEventAt ?? options.now);
  let start = snapshot.startedAt ?? end;
  for (const a of attempts) start = Math.min(start, a.claimedAt ?? a.startedAt ?? a.endedAt ?? start);
  const span = Math.max(1, end - start);
  const column = (t: number): number => Math.min(cols - 1, Math.max(0, Math.floor(((t - start) / span) * cols)));

  const grid = new Map<number, number[]>(shown.map((w) => [w, new Array<number>(cols).fill(-1)]));
  let bars = 0;
  for (const a of attempts) {
    const cells = a.workerId === null ? undefined : grid.get(a.workerId);
    if (cells === undefined) continue;
    const from = a.claimedAt ?? a.startedAt ?? a.endedAt;
    if (from === null) continue;
    const to = a.endedAt ?? end;
    const rank = RANK.get(a.outcome) ?? MARKS.length - 1;
    // An attempt shorter than a column still gets its cell: a failure must never vanish.
    const last = Math.max(column(from), Math.ceil(((to - start) / span) * cols) - 1);
    for (let c = column(from); c <= Math.min(last, cols - 1); c++) {
      const held = cells[c] ?? -1;
      if (held === -1 || rank < held) cells[c] = rank;
    }
    bars += 1;
  }

  const rows = shown.map((w): TimelineRow => ({ workerId: w, segments: [{ text: `W${w}`.padEnd(labelWidth) }, ...runsOf(grid.get(w) ?? [])] }));
  const more = workers.length - shown.length;
  const axis = `0s … ${formatDuration(span)}${more > 0 ? `  +${more} workers` : ''}`;
  const footer = `${axis}  ${TIMELINE_LEGEND}`.length <= options.width ? `${axis}  ${TIMELINE_LEGEND}` : axis;
  return { rows, bars, footer };
}

/** Cells as runs of one mark: few segments, so little markup per frame. */
function runsOf(cells: readonly number[]): Cell[] {
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
