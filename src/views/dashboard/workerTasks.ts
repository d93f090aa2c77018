/**
 * The overlays over a worker: its task list (Enter on a worker: task, level, status, start and end
 * time, time taken, attempt, error), and one task in detail (Enter on a task: `status --task`'s
 * lines). A worker's list depends on the snapshot alone: built once per snapshot, worker and zone.
 */
import type { RunSnapshot, TaskMetrics } from '../../metrics/snapshot';
import { formatClock, formatDuration, oneLine, plural } from '../format';
import { type LogTail, taskDetailLines, taskDetailOf } from '../taskDetail';
import type { SnapshotBasis } from './snapshotBasis';
import { buildTable, tableLines, tableWidth, type Cell, type ColumnSpec } from './table';

export interface WorkerTasks {
  readonly workerId: number;
  readonly title: string;
  /** Column headings of `lines` (task, level, status, started, ended, took, attempt). */
  readonly header: string;
  readonly lines: readonly string[];
  /** The task of each line (null for a line about none). */
  readonly taskIds: readonly (string | null)[];
  /** The line chosen with ↑/↓ (Enter opens its task). */
  readonly selected: number;
}

/** One task in detail (`status --task`'s lines), opened from a worker's task list. */
export interface TaskDetailView {
  readonly title: string;
  readonly lines: readonly string[];
}

/** The task opened with Enter, with the tails of its attempts' logs. */
export interface OpenTask {
  readonly taskId: string;
  readonly tails: ReadonlyMap<number, LogTail>;
}

/** An error in a worker's task list: one line of plain text (the box clips what does not fit). */
const ERROR_CHARS = 160;
/** Task ids longer than this are cut in the list (the full id is in `status --level`). */
const TASK_ID_CHARS = 24;

const TASK_LIST_COLUMNS: readonly ColumnSpec[] = [
  { key: 'task', header: 'TASK', width: 4, priority: 0 },
  { key: 'level', header: 'LVL', width: 3, priority: 0, align: 'right' },
  { key: 'status', header: 'STATUS', width: 13, priority: 0 },
  { key: 'started', header: 'STARTED', width: 8, priority: 0 },
  { key: 'ended', header: 'ENDED', width: 8, priority: 0 },
  { key: 'took', header: 'TOOK', width: 7, priority: 0, align: 'right' },
  // The latest attempt: how many a task has had, or which one failed here.
  { key: 'attempts', header: 'ATTEMPT', width: 7, priority: 0, align: 'right' },
];

interface TaskListRow {
  readonly cells: Readonly<Record<string, Cell>>;
  readonly error: string | null;
}

function taskRowOf(t: TaskMetrics, timeZone: string | undefined): TaskListRow {
  const ended = t.status === 'complete' ? t.completedAt : t.status === 'failed' ? t.failedAt : null;
  return {
    cells: {
      task: { text: t.taskId },
      level: { text: typeof t.level === 'number' ? String(t.level) : '?' },
      status: { text: t.status ?? '-' },
      started: { text: formatClock(t.startedAt, timeZone) },
      ended: { text: formatClock(ended, timeZone) },
      took: { text: t.status === 'complete' ? formatDuration(t.executionDurationMs) : '-' },
      attempts: { text: String(t.attempts ?? 1) },
    },
    error: t.status !== 'complete' && t.error ? t.error : null,
  };
}

/** The snapshot's tasks by the worker that has them, and who has each task that failed somewhere. */
interface TasksByWorker {
  readonly byWorker: ReadonlyMap<number, readonly TaskMetrics[]>;
  readonly holderOfFailed: ReadonlyMap<string, number | null>;
}

/** One pass over the tasks, once per snapshot, whichever workers' lists are then opened. */
const tasksByWorker = (basis: SnapshotBasis): TasksByWorker =>
  basis.memo('tasks-by-worker', () => {
    const failed = new Set(basis.snapshot.failures.map((f) => f.taskId));
    const byWorker = new Map<number, TaskMetrics[]>();
    const holderOfFailed = new Map<string, number | null>();
    for (const t of basis.snapshot.tasks) {
      if (failed.has(t.taskId)) holderOfFailed.set(t.taskId, t.workerId ?? null);
      if (typeof t.workerId !== 'number') continue;
      const list = byWorker.get(t.workerId);
      if (list) list.push(t);
      else byWorker.set(t.workerId, [t]);
    }
    return { byWorker, holderOfFailed };
  });

/** The worker's tasks, then attempts that failed on it although another worker has the task now. */
function taskListRows(basis: SnapshotBasis, workerId: number, timeZone: string | undefined): TaskListRow[] {
  const { byWorker, holderOfFailed } = tasksByWorker(basis);
  const rows = (byWorker.get(workerId) ?? []).map((t) => taskRowOf(t, timeZone));
  for (const f of basis.snapshot.failures) {
    if (f.workerId !== workerId || holderOfFailed.get(f.taskId) === workerId) continue;
    rows.push({
      cells: {
        task: { text: f.taskId },
        level: { text: f.level === null ? '?' : String(f.level) },
        status: { text: 'failed here' },
        started: { text: '-' },
        ended: { text: formatClock(f.ts, timeZone) },
        took: { text: '-' },
        attempts: { text: String(f.attempt) },
      },
      error: f.error,
    });
  }
  return rows;
}

function listWorkerTasks(basis: SnapshotBasis, workerId: number, timeZone: string | undefined): WorkerTasks {
  const rows = taskListRows(basis, workerId, timeZone);
  // A loop, not `Math.max(...)` over the rows: one argument per row overflows the stack on a large list.
  let longestId = 4;
  for (const r of rows) longestId = Math.max(longestId, [...(r.cells.task?.text ?? '')].length);
  const idWidth = Math.min(TASK_ID_CHARS, longestId);
  const specs = TASK_LIST_COLUMNS.map((c) => (c.key === 'task' ? { ...c, width: idWidth } : c));
  const table = buildTable(specs, rows, { width: tableWidth(specs), height: rows.length + 1, focus: null, selected: null, cellsOf: (r) => r.cells });
  const [header = '', ...lines] = tableLines(table);
  const withErrors = lines.map((l, i) => {
    const error = rows[i]?.error;
    return error ? `${l}  ${oneLine(error, ERROR_CHARS)}` : l;
  });
  return {
    workerId,
    title: `worker ${workerId}: ${plural(rows.length, 'task')}`,
    header,
    lines: withErrors.length > 0 ? withErrors : ['no tasks yet'],
    taskIds: rows.length > 0 ? rows.map((r) => r.cells.task?.text ?? null) : [null],
    selected: 0,
  };
}

/** The worker's task list with the line chosen (kept within the list). */
export function workerTasksOf(basis: SnapshotBasis, workerId: number, timeZone: string | undefined, line: number): WorkerTasks {
  const tasks = basis.memo(`tasks:${workerId}|${timeZone ?? ''}`, () => listWorkerTasks(basis, workerId, timeZone));
  return { ...tasks, selected: Math.max(0, Math.min(tasks.lines.length - 1, line)) };
}

/** Columns the task overlay offers its text (the box is at most 100 wide, border included). */
const taskOverlayWidth = (width: number): number => Math.max(10, Math.min(width - 2, 100) - 2);

export function taskDetailView(snapshot: RunSnapshot, open: OpenTask | null | undefined, options: { readonly now: number; readonly width: number; readonly timeZone?: string | undefined }): TaskDetailView | null {
  if (!open) return null;
  const detail = taskDetailOf(snapshot, open.taskId);
  if (detail === null) return null;
  const lines = taskDetailLines(detail, { now: options.now, tails: open.tails, width: taskOverlayWidth(options.width), ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}) });
  // Its first line (task, level, status, attempts) is the overlay's title.
  return { title: lines[0] ?? '', lines: lines.slice(1) };
}
