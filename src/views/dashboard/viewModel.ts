/**
 * The dashboard as data (DESIGN §7): everything the live view shows, computed from one snapshot's
 * basis (worked out once per snapshot), the run facts, the clock and the terminal size. Pure — no
 * blessed, no clock reads — so every figure on screen is tested here, and the widgets only place
 * and paint it. Each panel is built in a module of its own; this one puts them together.
 */
import type { TaskGraph } from '../../graph/taskGraph';
import type { RunSnapshot } from '../../metrics/snapshot';
import type { RunFacts } from '../../metrics/runFacts';
import { runFactsOf } from '../statusModel';
import { durationChart, NO_DURATIONS, NO_THROUGHPUT, throughputChart, type DurationChart, type ThroughputChart } from './chartPanels';
import { eventLog, type LogLine, type LogView, type Notice } from './eventLog';
import { headerOf, type HeaderModel } from './header';
import { hintFor } from './keyHelp';
import { innerHeight, innerWidth, layoutFor, type Layout } from './layout';
import { levelRowsOf, levelsTable, levelsWidth, type LevelRow } from './levels';
import { drawnFor, snapshotBasis, type SnapshotBasis } from './snapshotBasis';
import type { TableModel } from './table';
import { timelineBasis, timelineOf, type TimelineModel } from './timeline';
import { taskDetailView, workerTasksOf, type OpenTask, type TaskDetailView, type WorkerTasks } from './workerTasks';
import type { Overlay } from './ui';
import { workersPanel, type WorkersPanel } from './workers';

export type { Notice } from './eventLog';

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
  readonly openTask?: OpenTask | null;
  /**
   * The overlay open. The selected worker's task list is built only while its overlay shows it (a
   * worker of a long run has thousands of tasks); absent, it is built.
   */
  readonly overlay?: Overlay;
}

export interface DashboardModel {
  readonly layout: Layout;
  readonly header: HeaderModel;
  readonly levels: { readonly rows: readonly LevelRow[]; readonly table: TableModel };
  readonly workers: WorkersPanel;
  readonly durations: DurationChart;
  readonly throughput: ThroughputChart;
  /** Attempts over time per worker (the task stream). */
  readonly timeline: TimelineModel;
  readonly log: readonly LogLine[];
  /** Where the events log stands: lines scrolled back (clamped to what there is) and lines newer than shown. */
  readonly logView: LogView;
  /** Tasks of the selected worker (Enter shows them), while they show. */
  readonly workerTasks: WorkerTasks | null;
  /** The task opened from that list, when one is. */
  readonly taskDetail: TaskDetailView | null;
  readonly hint: string;
  /** Set in the too-small layout: the message shown instead of the panels. */
  readonly tooSmall: string | null;
}

const NO_TIMELINE: TimelineModel = { rows: [], bars: 0, footer: '' };
const NO_TABLE: TableModel = { columns: [], rows: [], offset: 0, total: 0 };

/** The model of one frame of `snapshot` (its basis built here: one frame per snapshot). */
export function dashboardModel(snapshot: RunSnapshot, options: DashboardModelOptions): DashboardModel {
  return modelOf(snapshotBasis(snapshot, options.graph ?? null), options);
}

/** The model of one frame, from the basis of the snapshot shown (kept from frame to frame). */
export function modelOf(basis: SnapshotBasis, options: DashboardModelOptions): DashboardModel {
  const { snapshot } = basis;
  const facts = runFactsOf(snapshot, { now: options.now, graph: basis.graph, orchestratorGone: options.orchestratorGone === true });
  const levelRows = levelRowsOf(facts);
  const layout = layoutFor(options.width, options.height, {
    levels: levelRows.length,
    workers: snapshot.metrics.workerMetrics.length,
    levelsWidth: levelsWidth(levelRows),
  });
  const hint = hintFor(options.width, options.paused, layout.log !== null);
  if (layout.mode === 'too-small') return tooSmallModel(snapshot, facts, options, layout, hint);

  const workers = workersPanel(snapshot, facts, { layout, now: options.now, stallAfterMs: options.stallAfterMs, selectedWorker: options.selectedWorker });
  return {
    layout,
    header: headerOf(snapshot, facts, { layout, paused: options.paused, stalled: workers.stalled }),
    levels: { rows: levelRows, table: levelsTable(levelRows, layout) },
    workers,
    durations: durationChart(basis, layout),
    throughput: throughputChart(basis, layout, facts.clockEnd),
    timeline: timelinePanel(basis, layout, options.now),
    ...eventLog(snapshot, { layout, timeZone: options.timeZone, notices: options.notices ?? [], back: options.logBack ?? 0 }),
    workerTasks: workers.selectedWorker === null || (options.overlay ?? 'tasks') !== 'tasks' ? null : workerTasksOf(basis, workers.selectedWorker, options.timeZone, options.selectedTaskLine ?? 0),
    taskDetail: taskDetailView(snapshot, options.openTask, { now: options.now, width: options.width, timeZone: options.timeZone }),
    hint,
    tooSmall: null,
  };
}

/** The task stream, drawn once per snapshot and size once the run ended. */
function timelinePanel(basis: SnapshotBasis, layout: Layout, now: number): TimelineModel {
  if (!layout.timeline) return NO_TIMELINE;
  const size = { width: innerWidth(layout.timeline, layout.bordered), height: innerHeight(layout.timeline, layout.bordered) };
  const draw = (): TimelineModel => timelineOf(basis.snapshot, { now, ...size }, basis.memo('timeline', () => timelineBasis(basis.snapshot)));
  return drawnFor(basis, `timeline:${size.width}x${size.height}`, draw);
}

export function tooSmallMessage(width: number, height: number): string {
  return `Terminal too small (${width}×${height}); the dashboard needs at least 40×12. Press q to quit.`;
}

function tooSmallModel(snapshot: RunSnapshot, facts: RunFacts, options: DashboardModelOptions, layout: Layout, hint: string): DashboardModel {
  return {
    layout,
    header: headerOf(snapshot, facts, { layout, paused: options.paused, stalled: 0 }),
    levels: { rows: [], table: NO_TABLE },
    workers: { rows: [], table: NO_TABLE, selectedIndex: null, selectedWorker: null, stalled: 0 },
    durations: NO_DURATIONS,
    throughput: NO_THROUGHPUT,
    timeline: NO_TIMELINE,
    log: [],
    logView: { back: 0, title: 'Events' },
    workerTasks: null,
    taskDetail: null,
    hint,
    tooSmall: tooSmallMessage(options.width, options.height),
  };
}
