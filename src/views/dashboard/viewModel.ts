/**
 * The dashboard as data (DESIGN §7): everything the live view shows, computed from one
 * `RunSnapshot`, the clock and the terminal size. Pure — no blessed, no clock reads — so every
 * figure on screen is tested here, and the widgets only place and paint it.
 */
import type { FailureRecord, RecentEvent, RunSnapshot, TaskMetrics, WorkerMetrics } from '../../metrics/snapshot';
import type { TaskGraph } from '../../graph/taskGraph';
import { toSnake } from '../../codecs/snakeCase';
import { epochOf, formatClock, formatDuration, formatPercent, oneLine, plural, progressBar } from '../format';
import { stalledWorkers, type RunFacts } from '../../metrics/runFacts';
import { anomalies, ingestSummary, runFactsOf, type LevelPhase, workerAvgMs } from '../statusModel';
import { barLines, columnChart, COLUMN_CELLS, durationHistogram, throughputSeries, type BarLine, type Bucket, type ColumnChart, type ThroughputSeries } from './charts';
import { innerHeight, innerWidth, layoutFor, type Layout } from './layout';
import { buildTable, tableLines, type Cell, type ColumnSpec, type TableModel, type Tone } from './table';
import { formatWholeSeconds } from './time';
import { timelineOf, type TimelineModel } from './timeline';
import { type LogTail, taskDetailLines, taskDetailOf } from '../taskDetail';

const NO_TIMELINE: TimelineModel = { rows: [], bars: 0, footer: '' };

export interface DashboardModelOptions {
  /** The clock (epoch ms): elapsed time, ages and running durations are measured to it. */
  readonly now: number;
  /** A live worker whose heartbeats stopped for longer than this is flagged as stalled. */
  readonly stallAfterMs: number;
  /** Worker id chosen with ↑/↓; null: the first worker. */
  readonly selectedWorker: number | null;
  readonly paused: boolean;
  /** Terminal size in cells. */
  readonly width: number;
  readonly height: number;
  /** Zone of the log's HH:MM:SS (an IANA name; default: this machine's). */
  readonly timeZone?: string;
  /** Messages about the inputs (an unreadable file, a skipped line), shown in the log as warnings. */
  readonly notices?: readonly Notice[];
  /** The feature's task graph, when there is one: the run's size, and each level's. */
  readonly graph?: TaskGraph | null;
  /** The orchestrator that held the run's lock is gone (the run reads `abandoned`). */
  readonly orchestratorGone?: boolean;
  /** How many lines the events log is scrolled back from the newest (PgUp/PgDn); 0: follows. */
  readonly logBack?: number;
  /** The line chosen with ↑/↓ in the worker's task list. */
  readonly selectedTaskLine?: number;
  /** The task opened with Enter in that list, with the tails of its attempts' logs. */
  readonly openTask?: { readonly taskId: string; readonly tails: ReadonlyMap<number, LogTail> } | null;
}

export interface Notice {
  /** Epoch ms. */
  readonly ts: number;
  readonly text: string;
}

/** The run as the header names it; `waiting` before the first event. */
export type RunState = 'waiting' | 'running' | 'complete' | 'stopped' | 'failed' | 'abandoned';

/** A piece of text and how it reads (the widget layer turns the tone into a colour, or nothing). */
export type Segment = Cell;

export interface HeaderModel {
  readonly feature: string;
  readonly state: RunState;
  /** Since the run started (not since the dashboard opened); frozen once it ended. */
  readonly elapsed: string;
  readonly done: number;
  readonly failed: number;
  /** The run's size (`runTotal`); null while unknown. */
  readonly total: number | null;
  /** 0..1. */
  readonly fraction: number;
  /** `12/20 (60%)`. */
  readonly progress: string;
  /** `~1m30s (est.)` while running and estimable, else null. */
  readonly eta: string | null;
  /** Ingest counters that signal bad input (duplicates are normal on a restart and not counted). */
  readonly warnings: number;
  /** Non-zero counters, snake_case as in `--json` (`invalid_lines.invalid_json 2`). */
  readonly warningDetail: readonly string[];
  readonly paused: boolean;
  readonly error: string | null;
  /** The header's lines, ready to paint: status, gauge, and (full layout) ingest/error. */
  readonly lines: readonly (readonly Segment[])[];
}

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

export interface LogLine {
  /** HH:MM:SS. */
  readonly time: string;
  readonly text: string;
  readonly tone: Tone;
  /** A failure kept in view although newer events pushed it out of the recent ones. */
  readonly pinned: boolean;
}

export interface DurationChart {
  readonly buckets: readonly Bucket[];
  readonly bars: readonly BarLine[];
  readonly samples: number;
  readonly footer: string;
}

export interface ThroughputChart extends ThroughputSeries {
  readonly title: string;
  readonly total: number;
  /** The counts as columns, sized to the panel. */
  readonly chart: ColumnChart;
}

export interface LogView {
  /** Lines back from the newest, as far as there are older lines. */
  readonly back: number;
  /** The panel's label: `Events`, or where a scrolled log stands. */
  readonly title: string;
}

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

export interface DashboardModel {
  readonly layout: Layout;
  readonly header: HeaderModel;
  readonly levels: { readonly rows: readonly LevelRow[]; readonly table: TableModel };
  readonly workers: {
    readonly rows: readonly WorkerRow[];
    readonly table: TableModel;
    /** Row index and id of the selected worker (null when there are none). */
    readonly selectedIndex: number | null;
    readonly selectedWorker: number | null;
    readonly stalled: number;
  };
  readonly durations: DurationChart;
  readonly throughput: ThroughputChart;
  /** Attempts over time per worker (the task stream). */
  readonly timeline: TimelineModel;
  readonly log: readonly LogLine[];
  /** Where the events log stands: lines scrolled back (clamped to what there is) and lines newer than shown. */
  readonly logView: LogView;
  /** Tasks of the selected worker (Enter shows them). */
  readonly workerTasks: WorkerTasks | null;
  /** The task opened from that list, when one is. */
  readonly taskDetail: TaskDetailView | null;
  readonly hint: string;
  readonly help: readonly string[];
  /** Set in the too-small layout: the message shown instead of the panels. */
  readonly tooSmall: string | null;
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

const HELP_LINES: readonly string[] = [
  'q, Ctrl-C   quit',
  'Esc         close this window / quit',
  '?           this help',
  '↑ / ↓       select a worker',
  'Enter       the selected worker’s tasks,',
  '            then the chosen task’s attempts',
  'PgUp/PgDn   scroll the events (or the tasks)',
  'End         back to the newest events',
  'p           pause / resume updates',
  '',
  'STALLED: a live worker whose heartbeats',
  'stopped for --stall-after. FOR: how long',
  'its task has run. ETA is an estimate.',
];

/** The footer's key hints, longest first; `{p}` is what p does now (pause, or resume). */
const HINTS: readonly string[] = [
  'q quit · ? help · ↑/↓ select worker · Enter tasks · PgUp/PgDn events · p {p}',
  'q quit · ? help · ↑/↓ select worker · Enter tasks · p {p}',
  'q quit  ? help  ↑↓ worker  Enter tasks  p {p}',
  'q quit ? help ↑↓ worker ⏎ tasks p {p}',
  'q quit  ? help  p {p}',
  'q quit  ? help',
];

/** The longest key hint that fits `width`, saying what p does now (PgUp/PgDn only where there is an events log). */
export function hintFor(width: number, paused: boolean, hasLog: boolean): string {
  const action = paused ? 'resume' : 'pause';
  return (
    HINTS.filter((h) => hasLog || !h.includes('PgUp'))
      .map((h) => h.replace('{p}', action))
      .find((h) => h.length <= width) ?? ''
  );
}

/** The level columns, DONE as wide as its widest `done/total` (`2500/2500` is never cut). */
function levelColumnsFor(rows: readonly LevelRow[]): ColumnSpec[] {
  const done = Math.max(0, ...rows.map((r) => `${r.done}/${r.total}`.length));
  return LEVEL_COLUMNS.map((c) => (c.key === 'done' ? { ...c, width: Math.max(c.width, done) } : c));
}

/** Columns a table needs to show every column: their widths and the gaps between them. */
const tableWidth = (columns: readonly ColumnSpec[]): number => columns.reduce((n, c) => n + c.width, 0) + Math.max(0, columns.length - 1);

export function dashboardModel(snapshot: RunSnapshot, options: DashboardModelOptions): DashboardModel {
  const facts = runFactsOf(snapshot, options);
  const levelRows = levelRowsOf(facts);
  const levelColumns = levelColumnsFor(levelRows);
  const layout = layoutFor(options.width, options.height, {
    levels: levelRows.length,
    workers: snapshot.metrics.workerMetrics.length,
    levelsWidth: tableWidth(levelColumns),
  });
  const hint = hintFor(options.width, options.paused, layout.log !== null);
  if (layout.mode === 'too-small') {
    return emptyModel(snapshot, facts, options, layout, hint, tooSmallMessage(options.width, options.height), levelRows);
  }

  const state = runState(facts);
  const clockEnd = facts.clockEnd;

  const currentIndex = levelRows.findIndex((r) => r.current);
  const levelsTable = buildTable(levelColumns, levelRows, {
    width: innerWidth(layout.levels, layout.bordered),
    height: innerHeight(layout.levels, layout.bordered),
    focus: currentIndex >= 0 ? currentIndex : null,
    selected: null,
    cellsOf: levelCells,
  });

  const stalledIds = new Set(stalledWorkers(snapshot, options.now, options.stallAfterMs, facts.status));
  // Ages are read on the run's clock: frozen once it ended, or was abandoned.
  const workerRows = snapshot.metrics.workerMetrics.map((w) => workerRowOf(w, stalledIds.has(w.workerId), facts.clockEnd));
  const selectedIndex = workerRows.length === 0 ? null : Math.max(0, workerRows.findIndex((r) => r.id === options.selectedWorker));
  const selectedWorker = selectedIndex === null ? null : (workerRows[selectedIndex]?.id ?? null);
  const workersTable = buildTable(WORKER_COLUMNS, workerRows, {
    width: innerWidth(layout.workers, layout.bordered),
    height: innerHeight(layout.workers, layout.bordered),
    focus: selectedIndex,
    selected: selectedIndex,
    cellsOf: workerCells,
  });
  const stalled = stalledIds.size;

  return {
    layout,
    header: headerOf(snapshot, facts, options, layout, state, stalled, levelRows),
    levels: { rows: levelRows, table: levelsTable },
    workers: { rows: workerRows, table: workersTable, selectedIndex, selectedWorker, stalled },
    durations: durationChart(snapshot, layout),
    throughput: throughputChart(snapshot, layout, clockEnd),
    timeline: layout.timeline ? timelineOf(snapshot, { now: options.now, width: innerWidth(layout.timeline, layout.bordered), height: innerHeight(layout.timeline, layout.bordered) }) : NO_TIMELINE,
    ...eventLog(snapshot, layout, options.timeZone, options.notices ?? [], options.logBack ?? 0),
    workerTasks: selectedWorker === null ? null : withSelection(workerTasksOf(snapshot, selectedWorker, options.timeZone), options.selectedTaskLine ?? 0),
    taskDetail: openTaskOf(snapshot, options),
    hint,
    help: HELP_LINES,
    tooSmall: null,
  };
}

export function tooSmallMessage(width: number, height: number): string {
  return `Terminal too small (${width}×${height}); the dashboard needs at least 40×12. Press q to quit.`;
}

function emptyModel(snapshot: RunSnapshot, facts: RunFacts, options: DashboardModelOptions, layout: Layout, hint: string, message: string, levels: readonly LevelRow[]): DashboardModel {
  const state = runState(facts);
  const empty: TableModel = { columns: [], rows: [], offset: 0, total: 0 };
  return {
    layout,
    header: headerOf(snapshot, facts, options, layout, state, 0, levels),
    levels: { rows: [], table: empty },
    workers: { rows: [], table: empty, selectedIndex: null, selectedWorker: null, stalled: 0 },
    durations: { buckets: [], bars: [], samples: 0, footer: '' },
    throughput: { bucketMs: 1000, labels: [], counts: [], title: '', total: 0, chart: { rows: [], xAxis: '' } },
    timeline: NO_TIMELINE,
    log: [],
    logView: { back: 0, title: 'Events' },
    workerTasks: null,
    taskDetail: null,
    hint,
    help: HELP_LINES,
    tooSmall: message,
  };
}

function runState(facts: RunFacts): RunState {
  return facts.status === 'pending' ? 'waiting' : facts.status;
}

const STATE_TONE: Readonly<Record<RunState, Tone>> = {
  waiting: 'muted',
  running: 'warn',
  complete: 'good',
  stopped: 'warn',
  failed: 'alert',
  abandoned: 'alert',
};

/** Counters of bad input (DESIGN §8), as the `--json` counters name them (`invalid_lines.invalid_json 2`). */
function ingestWarnings(snapshot: RunSnapshot): { total: number; detail: string[] } {
  const { rejected, byReason } = ingestSummary(snapshot.ingest);
  const others = anomalies(snapshot.ingest);
  const detail = [...byReason.map(([reason, n]) => `invalid_lines.${reason} ${n}`), ...others.map(([key, n]) => `${toSnake(key)} ${n}`)];
  return { total: others.reduce((sum, [, n]) => sum + n, rejected), detail };
}

function etaText(eta: number | null): string | null {
  if (eta === null) return null;
  // The facts are for the frame's clock: tasks in flight count down, the rest is whole tasks.
  // Whole seconds, rounded up: an estimate has no tenths, and a clock that changes every frame
  // would redraw every frame. Never `~0s` while tasks remain: the estimate ran out, the work has not.
  return `~${formatWholeSeconds(Math.max(1000, Math.ceil(eta / 1000) * 1000))} (est.)`;
}

function headerOf(
  snapshot: RunSnapshot,
  facts: RunFacts,
  options: DashboardModelOptions,
  layout: Layout,
  state: RunState,
  stalled: number,
  levels: readonly LevelRow[],
): HeaderModel {
  const m = snapshot.metrics;
  const feature = snapshot.feature ?? '(no feature yet)';
  const elapsedMs = snapshot.startedAt === null ? null : Math.max(0, facts.clockEnd - snapshot.startedAt);
  const elapsed = formatWholeSeconds(elapsedMs);
  const { completed: done, failed, total } = facts;
  // A total that only counts the tasks seen so far is no size: no fraction, no ETA from it.
  const shown = facts.fraction;
  const fraction = shown ?? (state === 'complete' ? 1 : 0);
  const progress = shown === null ? `${done}/?` : `${done}/${total} (${formatPercent(fraction)})`;
  const eta = facts.status === 'running' ? etaText(facts.etaMs) : null;
  const { total: warnings, detail: warningDetail } = ingestWarnings(snapshot);
  const busy = m.workerMetrics.filter((w) => w.currentTask).length;
  const levelCount = levels.length;
  const current = levels.find((l) => l.current);
  const levelsDone = levels.filter((l) => l.status === LEVEL_WORD.done).length;

  const width = innerWidth(layout.header, layout.bordered);
  const segLen = (segs: readonly Segment[]): number => segs.reduce((n, x) => n + [...x.text].length, 0);

  // The gauge line: bar and progress always; failures and the ETA when the bar keeps 10 cells.
  const gaugeTail: Segment[] = [{ text: `  ${progress}` }];
  const gaugeExtras: Segment[] = [];
  if (failed > 0) gaugeExtras.push({ text: `  failed ${failed}`, tone: 'alert' });
  if (eta) gaugeExtras.push({ text: `  ETA ${eta}` });
  else if (state === 'complete') gaugeExtras.push({ text: '  done', tone: 'good' });
  const leftOver: Segment[] = [];
  for (const extra of gaugeExtras) {
    if (width - segLen(gaugeTail) - segLen([extra]) >= 10) gaugeTail.push(extra);
    else leftOver.push(extra);
  }
  const bar = progressBar(fraction, Math.max(1, Math.min(60, width - segLen(gaugeTail))));
  const gauge: Segment[] = [
    { text: bar.filled, tone: state === 'failed' ? 'alert' : 'good' },
    { text: bar.empty, tone: 'muted' },
    ...gaugeTail,
  ];

  // The status line: feature, state and clock always (cut if need be); the rest when it fits.
  const status: Segment[] = [
    { text: feature, tone: 'normal' },
    { text: '  ' },
    { text: state.toUpperCase(), tone: STATE_TONE[state] },
    { text: `  elapsed ${elapsed}` },
  ];
  const optional: Segment[] = [];
  if (options.paused) optional.push({ text: '  PAUSED', tone: 'warn' });
  if (stalled > 0) optional.push({ text: `  ${stalled} STALLED`, tone: 'alert' });
  optional.push(...leftOver);
  if (layout.mode === 'compact') optional.push({ text: `  warn ${warnings}`, tone: warnings > 0 ? 'warn' : 'muted' });
  optional.push({ text: `  ${levelWords(current?.level ?? null, levelsDone, levelCount)}` });
  optional.push({ text: `  workers ${busy}/${m.workerMetrics.length} busy` });
  for (const extra of optional) if (segLen(status) + segLen([extra]) <= width) status.push(extra);

  const lines: Segment[][] = [status, gauge];
  if (layout.mode === 'full') {
    const third: Segment[] = [];
    if (snapshot.error) third.push({ text: `✗ ${oneLine(snapshot.error, width)}  `, tone: 'alert' });
    third.push(
      warnings > 0
        ? { text: `ingest warnings ${warnings}: ${warningDetail.join(', ')}`, tone: 'warn' }
        : { text: 'ingest warnings 0', tone: 'muted' },
    );
    lines.push(third);
  }

  return {
    feature,
    state,
    elapsed,
    done,
    failed,
    total,
    fraction,
    progress,
    eta,
    warnings,
    warningDetail,
    paused: options.paused,
    error: snapshot.error,
    lines: lines.map((l) => cutSegments(l, width)),
  };
}

/**
 * Where the run is among its levels, in words that cannot pass for a task count: `level 2 · 1/3
 * levels done`, `all 4 levels done` at the end, `level -` before any level is known.
 */
export function levelWords(current: number | null, done: number, count: number): string {
  const position = `level ${current ?? '-'}`;
  if (count === 0) return position;
  if (done === count) return `all ${count} level${count === 1 ? '' : 's'} done`;
  return `${position} · ${done}/${count} levels done`;
}

/** Segments cut to `width` visible characters (an ellipsis marks the cut). */
export function cutSegments(segments: readonly Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let left = width;
  for (const s of segments) {
    if (left <= 0) break;
    const chars = [...s.text];
    if (chars.length <= left) {
      out.push(s);
      left -= chars.length;
    } else {
      out.push({ ...s, text: `${chars.slice(0, Math.max(0, left - 1)).join('')}…` });
      left = 0;
    }
  }
  return out;
}

/** The run's levels (the facts every view reads), in the dashboard's words. */
function levelRowsOf(facts: RunFacts): LevelRow[] {
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

const LEVEL_WORD: Readonly<Record<LevelPhase, string>> = { done: 'complete', running: 'running', pending: 'pending', failed: 'failed', stopped: 'stopped' };
const LEVEL_TONE: Readonly<Record<string, Tone>> = { complete: 'good', running: 'warn', failed: 'alert', pending: 'muted', stopped: 'warn' };

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

const GONE = new Set(['stopped', 'crashed']);

function workerRowOf(w: WorkerMetrics, stalled: boolean, now: number): WorkerRow {
  const live = !GONE.has(w.status ?? '');
  const since = (iso: string | null | undefined): number | null => {
    const at = epochOf(iso);
    return at === null ? null : Math.max(0, now - at);
  };
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
    runningFor: busy ? formatWholeSeconds(since(w.currentTaskStartedAt)) : '-',
    // A stopped worker's last event only grows older: it says nothing any more.
    lastEvent: live ? formatWholeSeconds(since(w.lastEventAt)) : '-',
    stalled,
  };
}

const WORKER_TONE: Readonly<Record<string, Tone>> = { running: 'good', idle: 'muted', stopped: 'muted', crashed: 'alert' };

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

function completedDurations(tasks: readonly TaskMetrics[]): number[] {
  const out: number[] = [];
  for (const t of tasks) if (t.status === 'complete' && typeof t.executionDurationMs === 'number') out.push(t.executionDurationMs);
  return out;
}

/** A snapshot's duration chart depends only on it and the panel size: computed once per snapshot. */
const durationCharts = new WeakMap<RunSnapshot, { readonly key: string; readonly chart: DurationChart }>();

function durationChart(snapshot: RunSnapshot, layout: Layout): DurationChart {
  if (!layout.durations) return { buckets: [], bars: [], samples: 0, footer: '' };
  const width = innerWidth(layout.durations, true);
  const rows = innerHeight(layout.durations, true);
  const key = `${width}x${rows}`;
  const cached = durationCharts.get(snapshot);
  if (cached?.key === key) return cached.chart;
  const durations = completedDurations(snapshot.tasks);
  // Sturges' rule: few samples make few buckets (four tasks in nine buckets is mostly gaps).
  const sturges = Math.ceil(Math.log2(Math.max(1, durations.length))) + 1;
  const buckets = durationHistogram(durations, Math.max(1, Math.min(rows - 1, sturges)));
  const bars = barLines(
    buckets.map((b) => ({ label: b.label, value: b.count })),
    width,
  );
  const m = snapshot.metrics;
  const footer =
    durations.length === 0
      ? 'no completed tasks yet'
      : `${plural(durations.length, 'task')}  p50 ${formatDuration(m.p50DurationMs ?? null)}  p95 ${formatDuration(m.p95DurationMs ?? null)}`;
  const chart = { buckets, bars, samples: durations.length, footer: oneLine(footer, width) };
  durationCharts.set(snapshot, { key, chart });
  return chart;
}

/** Completion instants of a snapshot's tasks, parsed once per snapshot (a frame reuses them). */
const completionCache = new WeakMap<RunSnapshot, number[]>();

function completionTimes(snapshot: RunSnapshot): number[] {
  let times = completionCache.get(snapshot);
  if (!times) {
    times = [];
    for (const t of snapshot.tasks) {
      if (t.status !== 'complete') continue;
      const at = epochOf(t.completedAt);
      if (at !== null) times.push(at);
    }
    completionCache.set(snapshot, times);
  }
  return times;
}

function throughputChart(snapshot: RunSnapshot, layout: Layout, clockEnd: number): ThroughputChart {
  const panel = layout.throughput;
  const width = panel ? innerWidth(panel, true) : 0;
  const height = panel ? innerHeight(panel, true) : 0;
  const start = snapshot.startedAt;
  // Room for the y labels (up to three digits and the axis) beside the columns.
  const maxPoints = Math.max(2, Math.floor((width - 4) / COLUMN_CELLS));
  const series = panel && start !== null ? throughputSeries(completionTimes(snapshot), start, clockEnd, maxPoints) : throughputSeries([], 0, 1_000, maxPoints);
  const total = series.counts.reduce((a, b) => a + b, 0);
  return {
    ...series,
    title: `Throughput (tasks per ${formatWholeSeconds(series.bucketMs)})`,
    total,
    chart: panel ? columnChart(series.counts, series.labels, width, height) : { rows: [], xAxis: '' },
  };
}

/**
 * `formatClock` asks Intl for the parts of a date, the costliest step of a frame; log lines keep
 * their times, so each instant is formatted once.
 */
const clockTexts = new Map<string, string>();

function clockText(ts: number, timeZone: string | undefined): string {
  const key = `${timeZone ?? ''}|${Math.floor(ts / 1000)}`;
  let text = clockTexts.get(key);
  if (text === undefined) {
    if (clockTexts.size >= 1000) clockTexts.clear();
    text = formatClock(ts, timeZone);
    clockTexts.set(key, text);
  }
  return text;
}

const SEVERITY_TONE: Readonly<Record<RecentEvent['severity'], Tone>> = { info: 'normal', warn: 'warn', error: 'alert' };
const SEVERITY_MARK: Readonly<Record<RecentEvent['severity'], string>> = { info: ' ', warn: '!', error: '✗' };

const failureText = (f: FailureRecord): string =>
  `${f.taskId} failed (attempt ${f.attempt}${f.workerId !== null ? `, worker ${f.workerId}` : ''})${f.error ? `: ${f.error}` : ''}`;

/** A line of the log before formatting: an event, or a notice about the inputs. */
interface Entry {
  readonly ts: number;
  readonly text: string;
  readonly severity: RecentEvent['severity'];
  /** Set for a `task_failed` event: the failure it reports. */
  readonly failedTask?: string;
}

const entryOf = (e: RecentEvent): Entry => ({
  ts: e.ts,
  text: e.summary,
  severity: e.severity,
  ...(e.type === 'task_failed' && e.taskId !== undefined ? { failedTask: e.taskId } : {}),
});

/** Events and notices in time order (a stable sort: at equal times events come first). */
function entriesOf(events: readonly RecentEvent[], notices: readonly Notice[]): Entry[] {
  const entries = events.map(entryOf);
  if (notices.length === 0) return entries;
  return [...entries, ...notices.map((n): Entry => ({ ts: n.ts, text: n.text, severity: 'warn' }))].sort((a, b) => a.ts - b.ts);
}

/**
 * The events log: the newest events that fit the panel, oldest first, or (scrolled back `back`
 * lines with PgUp) an older window of them. Following the newest, failures that have not recovered
 * and are no longer among the shown events stay pinned on top (a third of the panel at most).
 */
function eventLog(
  snapshot: RunSnapshot,
  layout: Layout,
  timeZone: string | undefined,
  notices: readonly Notice[],
  back: number,
): { log: LogLine[]; logView: LogView } {
  const following = { back: 0, title: 'Events' };
  if (!layout.log) return { log: [], logView: following };
  const rows = innerHeight(layout.log, true);
  const width = innerWidth(layout.log, true);
  if (rows <= 0) return { log: [], logView: following };
  const line = (ts: number, mark: string, text: string, tone: Tone, pinned: boolean): LogLine => ({
    time: clockText(ts, timeZone),
    text: `${mark} ${oneLine(text, Math.max(1, width - 11))}`,
    tone,
    pinned,
  });
  const eventLine = (e: Entry): LogLine => line(e.ts, SEVERITY_MARK[e.severity], e.text, SEVERITY_TONE[e.severity], false);

  const entries = entriesOf(snapshot.recentEvents, notices);
  const shownBack = Math.max(0, Math.min(Math.trunc(back), entries.length - rows));
  if (shownBack > 0) {
    const end = entries.length - shownBack;
    return {
      log: entries.slice(Math.max(0, end - rows), end).map(eventLine),
      logView: { back: shownBack, title: `Events (${shownBack} newer below · End: newest)` },
    };
  }

  const pinnable = snapshot.failures.filter((f) => !f.recovered);
  const maxPinned = Math.floor(rows / 3);
  const newest = (count: number): Entry[] => entries.slice(Math.max(0, entries.length - count));
  const unseen = (shown: readonly Entry[]): FailureRecord[] =>
    pinnable.filter((f) => !shown.some((e) => e.failedTask === f.taskId && e.ts === f.ts)).slice(-maxPinned);

  // Pinning takes rows from the events, which can push another failure out: look twice.
  let pinned = unseen(newest(rows));
  pinned = unseen(newest(rows - pinned.length));
  const shown = newest(rows - pinned.length);

  return {
    log: [...pinned.map((f) => line(f.ts, '✗', failureText(f), 'alert', true)), ...shown.map(eventLine)],
    logView: following,
  };
}

const workerTaskCache = new WeakMap<RunSnapshot, Map<string, WorkerTasks>>();

function workerTasksOf(snapshot: RunSnapshot, workerId: number, timeZone: string | undefined): WorkerTasks {
  let byWorker = workerTaskCache.get(snapshot);
  if (!byWorker) {
    byWorker = new Map();
    workerTaskCache.set(snapshot, byWorker);
  }
  const key = `${workerId}|${timeZone ?? ''}`;
  let tasks = byWorker.get(key);
  if (!tasks) {
    tasks = listWorkerTasks(snapshot, workerId, timeZone);
    byWorker.set(key, tasks);
  }
  return tasks;
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

function listWorkerTasks(snapshot: RunSnapshot, workerId: number, timeZone: string | undefined): WorkerTasks {
  const clock = (iso: string | null | undefined): string => {
    const at = epochOf(iso);
    return at === null ? '-' : clockText(at, timeZone);
  };
  const rows: TaskListRow[] = [];
  const current = new Map<string, number | null>();
  for (const t of snapshot.tasks) {
    current.set(t.taskId, t.workerId ?? null);
    if (t.workerId !== workerId) continue;
    const ended = t.status === 'complete' ? t.completedAt : t.status === 'failed' ? t.failedAt : null;
    rows.push({
      cells: {
        task: { text: t.taskId },
        level: { text: typeof t.level === 'number' ? String(t.level) : '?' },
        status: { text: t.status ?? '-' },
        started: { text: clock(t.startedAt) },
        ended: { text: clock(ended) },
        took: { text: t.status === 'complete' ? formatDuration(t.executionDurationMs) : '-' },
        attempts: { text: String(t.attempts ?? 1) },
      },
      error: t.status !== 'complete' && t.error ? t.error : null,
    });
  }
  // Attempts that failed here although another worker has the task now.
  for (const f of snapshot.failures) {
    if (f.workerId !== workerId || current.get(f.taskId) === workerId) continue;
    rows.push({
      cells: {
        task: { text: f.taskId },
        level: { text: f.level === null ? '?' : String(f.level) },
        status: { text: 'failed here' },
        started: { text: '-' },
        ended: { text: clockText(f.ts, timeZone) },
        took: { text: '-' },
        attempts: { text: String(f.attempt) },
      },
      error: f.error,
    });
  }
  const idWidth = Math.min(TASK_ID_CHARS, Math.max(4, ...rows.map((r) => [...(r.cells.task?.text ?? '')].length)));
  const specs = TASK_LIST_COLUMNS.map((c) => (c.key === 'task' ? { ...c, width: idWidth } : c));
  const width = specs.reduce((n, c) => n + c.width + 1, -1);
  const table = buildTable(specs, rows, { width, height: rows.length + 1, focus: null, selected: null, cellsOf: (r) => r.cells });
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

const withSelection = (tasks: WorkerTasks, line: number): WorkerTasks => ({ ...tasks, selected: Math.max(0, Math.min(tasks.lines.length - 1, line)) });

/** Columns the task overlay offers its text (the box is at most 100 wide, border included). */
export const taskOverlayWidth = (width: number): number => Math.max(10, Math.min(width - 2, 100) - 2);

function openTaskOf(snapshot: RunSnapshot, options: DashboardModelOptions): TaskDetailView | null {
  const open = options.openTask;
  if (!open) return null;
  const detail = taskDetailOf(snapshot, open.taskId);
  if (detail === null) return null;
  const lines = taskDetailLines(detail, { now: options.now, tails: open.tails, width: taskOverlayWidth(options.width), ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}) });
  // Its first line (task, level, status, attempts) is the overlay's title.
  return { title: lines[0] ?? '', lines: lines.slice(1) };
}
