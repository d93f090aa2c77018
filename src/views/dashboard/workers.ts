/**
 * The worker table: each worker's state, current task and how long it has run, init time,
 * done/failed, mean task time, utilization, the age of its last event, and the STALLED flag
 * (DESIGN §7). Ages are read on the run's clock (facts' `clockEnd`): frozen once the run ended.
 */
import { stalledWorkers, workerGone, type RunFacts } from '../../metrics/runFacts';
import type { RunSnapshot, WorkerMetrics } from '../../metrics/snapshot';
import { formatDuration, formatPercent } from '../format';
import { workerAvgMs } from '../statusModel';
import { innerHeight, innerWidth, type Layout } from './layout';
import { buildTable, type Cell, type ColumnSpec, type TableModel, type Tone } from './table';
import { formatWholeSeconds } from './time';

export interface WorkerRow {
  readonly id: number;
  readonly state: string;
  readonly task: string;
  readonly init: string;
  readonly done: number;
  readonly failed: number;
  readonly avg: string;
  readonly utilization: string;
  /** How long its current task has run (`1m05s`), `-` when idle. */
  readonly runningFor: string;
  /** Age of its last event (`12s`); `-` once the worker stopped. */
  readonly lastEvent: string;
  /** Live, and its heartbeats stopped for longer than the stall threshold (`stalledWorkers`). */
  readonly stalled: boolean;
}

export interface WorkersPanel {
  readonly rows: readonly WorkerRow[];
  readonly table: TableModel;
  /** Row index and id of the selected worker (null when there are none). */
  readonly selectedIndex: number | null;
  readonly selectedWorker: number | null;
  readonly stalled: number;
}

const WORKER_COLUMNS: readonly ColumnSpec[] = [
  { key: 'id', header: 'W', width: 3, priority: 0, align: 'right' },
  { key: 'state', header: 'STATE', width: 8, priority: 0 },
  { key: 'task', header: 'TASK', width: 10, priority: 0, maxWidth: 24 },
  { key: 'runningFor', header: 'FOR', width: 6, priority: 1, align: 'right' },
  { key: 'init', header: 'INIT', width: 6, priority: 5, align: 'right' },
  { key: 'done', header: 'DONE', width: 4, priority: 2, align: 'right' },
  { key: 'failed', header: 'FAIL', width: 4, priority: 3, align: 'right' },
  { key: 'avg', header: 'AVG', width: 6, priority: 4, align: 'right' },
  { key: 'utilization', header: 'UTIL', width: 4, priority: 4, align: 'right' },
  { key: 'lastEvent', header: 'LAST', width: 6, priority: 1, align: 'right' },
];

const WORKER_TONE: Readonly<Record<string, Tone>> = { running: 'good', idle: 'muted', stopped: 'muted', crashed: 'alert' };

/** Time from an instant to `now`, never negative; null when the instant is unknown. */
const since = (at: number | null | undefined, now: number): number | null => (typeof at === 'number' ? Math.max(0, now - at) : null);

function workerRowOf(w: WorkerMetrics, stalled: boolean, now: number): WorkerRow {
  const live = !workerGone(w);
  const busy = typeof w.currentTask === 'string' && w.currentTask !== '';
  return {
    id: w.workerId,
    state: w.status ?? '-',
    task: busy ? (w.currentTask as string) : '-',
    init: formatDuration(w.initializationMs),
    done: w.tasksCompleted,
    failed: w.tasksFailed,
    avg: formatDuration(workerAvgMs(w)),
    utilization: formatPercent(w.utilization ?? null),
    runningFor: busy ? formatWholeSeconds(since(w.currentTaskStartedAt, now)) : '-',
    // A stopped worker's last event only grows older: it says nothing any more.
    lastEvent: live ? formatWholeSeconds(since(w.lastEventAt, now)) : '-',
    stalled,
  };
}

function workerCells(r: WorkerRow): Record<string, Cell> {
  return {
    id: { text: String(r.id) },
    state: r.stalled ? { text: 'STALLED', tone: 'alert' } : { text: r.state, tone: WORKER_TONE[r.state] ?? 'normal' },
    task: { text: r.task },
    runningFor: { text: r.runningFor },
    init: { text: r.init },
    done: { text: String(r.done) },
    failed: { text: String(r.failed), tone: r.failed > 0 ? 'alert' : 'normal' },
    avg: { text: r.avg },
    utilization: { text: r.utilization },
    lastEvent: { text: r.lastEvent, tone: r.stalled ? 'alert' : 'normal' },
  };
}

export interface WorkersContext {
  readonly layout: Layout;
  readonly now: number;
  readonly stallAfterMs: number;
  /** Worker id chosen with ↑/↓; null (or gone): the first worker. */
  readonly selectedWorker: number | null;
}

export function workersPanel(snapshot: RunSnapshot, facts: RunFacts, context: WorkersContext): WorkersPanel {
  const { layout } = context;
  const stalledIds = new Set(stalledWorkers(snapshot, context.now, context.stallAfterMs, facts.status));
  const rows = snapshot.metrics.workerMetrics.map((w) => workerRowOf(w, stalledIds.has(w.workerId), facts.clockEnd));
  const selectedIndex = rows.length === 0 ? null : Math.max(0, rows.findIndex((r) => r.id === context.selectedWorker));
  const table = buildTable(WORKER_COLUMNS, rows, {
    width: innerWidth(layout.workers, layout.bordered),
    height: innerHeight(layout.workers, layout.bordered),
    focus: selectedIndex,
    selected: selectedIndex,
    cellsOf: workerCells,
  });
  return { rows, table, selectedIndex, selectedWorker: selectedIndex === null ? null : (rows[selectedIndex]?.id ?? null), stalled: stalledIds.size };
}
