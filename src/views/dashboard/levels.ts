/**
 * The level table: each level's phase, done/total, duration and task-time figures, as the run
 * facts give them (DESIGN §4.5), in the dashboard's words.
 */
import type { LevelPhase, RunFacts } from '../../metrics/runFacts';
import { formatDuration } from '../format';
import { innerHeight, innerWidth, type Layout } from './layout';
import { buildTable, tableWidth, type Cell, type ColumnSpec, type TableModel, type Tone } from './table';
import { formatWholeSeconds } from './time';

export interface LevelRow {
  readonly level: number;
  readonly status: string;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly duration: string;
  readonly avg: string;
  readonly p50: string;
  readonly p95: string;
  readonly current: boolean;
}

const LEVEL_COLUMNS: readonly ColumnSpec[] = [
  { key: 'level', header: 'LVL', width: 3, priority: 0, align: 'right' },
  { key: 'status', header: 'STATUS', width: 8, priority: 0 },
  // As wide as the widest `done/total` (levelColumnsFor).
  { key: 'done', header: 'DONE', width: 5, priority: 0, align: 'right' },
  { key: 'duration', header: 'DURATION', width: 8, priority: 2, align: 'right' },
  { key: 'avg', header: 'AVG', width: 6, priority: 3, align: 'right' },
  { key: 'p50', header: 'P50', width: 6, priority: 4, align: 'right' },
  { key: 'p95', header: 'P95', width: 6, priority: 1, align: 'right' },
];

const LEVEL_WORD: Readonly<Record<LevelPhase, string>> = { done: 'complete', running: 'running', pending: 'pending', failed: 'failed', stopped: 'stopped' };
const LEVEL_TONE: Readonly<Record<string, Tone>> = { complete: 'good', running: 'warn', failed: 'alert', pending: 'muted', stopped: 'warn' };

/** The level columns, DONE as wide as its widest `done/total` (`2500/2500` is never cut). */
function levelColumnsFor(rows: readonly LevelRow[]): ColumnSpec[] {
  const done = Math.max(0, ...rows.map((r) => `${r.done}/${r.total}`.length));
  return LEVEL_COLUMNS.map((c) => (c.key === 'done' ? { ...c, width: Math.max(c.width, done) } : c));
}

/** Columns the level table needs to show every column. */
export const levelsWidth = (rows: readonly LevelRow[]): number => tableWidth(levelColumnsFor(rows));

/** The run's levels (the facts every view reads), in the dashboard's words. */
export function levelRowsOf(facts: RunFacts): LevelRow[] {
  const current = facts.currentLevel;
  return facts.levels.map((l) => {
    // A level still going shows a clock (whole seconds); a finished one a measured figure.
    const clock = l.phase !== 'done' && !l.measured;
    const duration = l.durationMs === null ? '-' : clock ? formatWholeSeconds(l.durationMs) : formatDuration(l.durationMs);
    return {
      level: l.level,
      status: LEVEL_WORD[l.phase],
      done: l.completed,
      total: l.taskCount,
      failed: l.failed,
      duration,
      avg: formatDuration(l.avgMs),
      p50: formatDuration(l.p50Ms),
      p95: formatDuration(l.p95Ms),
      current: l.level === current,
    };
  });
}

function levelCells(r: LevelRow): Record<string, Cell> {
  return {
    level: { text: String(r.level) },
    status: { text: r.status, tone: LEVEL_TONE[r.status] ?? 'normal' },
    done: { text: `${r.done}/${r.total}`, tone: r.failed > 0 ? 'alert' : 'normal' },
    duration: { text: r.duration },
    avg: { text: r.avg },
    p50: { text: r.p50 },
    p95: { text: r.p95 },
  };
}

/** The level table for its panel, the current level in focus. */
export function levelsTable(rows: readonly LevelRow[], layout: Layout): TableModel {
  const currentIndex = rows.findIndex((r) => r.current);
  return buildTable(levelColumnsFor(rows), rows, {
    width: innerWidth(layout.levels, layout.bordered),
    height: innerHeight(layout.levels, layout.bordered),
    focus: currentIndex >= 0 ? currentIndex : null,
    selected: null,
    cellsOf: levelCells,
  });
}
