/**
 * The live dashboard (DESIGN §7): `openDashboard` shows the snapshots of a run until the user
 * quits. A thin shell: keys go through the pure `uiReducer`, each snapshot gets its basis once,
 * and a frame is the pure view-model painted by the panels — at most once per interval, and only
 * when the model changed. Keys change what is shown, never the data. The promise resolves when the
 * user quits (q, Esc, Ctrl-C) or `signal` aborts, with the terminal restored; it never exits the
 * process.
 */
import blessed from 'blessed';
import { Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { emptySnapshot } from '../../metrics/snapshotOf';
import type { RunSnapshot } from '../../metrics/snapshot';
import type { TaskGraph } from '../../graph/taskGraph';
import type { LogTail } from '../taskDetail';
import type { Notice } from './eventLog';
import { frameTicks } from './frames';
import { buildPanels, layoutKeyOf, type Panels } from './panels';
import { snapshotBasis, type SnapshotBasis } from './snapshotBasis';
import { themeFor, type Theme } from './theme';
import { afterFrame, initialUi, uiReducer, type DashboardKey, type Overlay, type UiState } from './ui';
import { modelOf, type DashboardModel } from './viewModel';
import type { OpenTask } from './workerTasks';

/** Notices kept for the events log. */
const MAX_NOTICES = 20;

export interface OpenDashboardOptions {
  readonly snapshot$: Observable<RunSnapshot>;
  /** The clock (epoch ms). */
  readonly now: () => number;
  /** A live worker whose heartbeats stopped for longer than this is flagged as stalled. */
  readonly stallAfterMs: number;
  readonly color: boolean;
  /** Minimum time between frames (200 ms: 5 frames a second). */
  readonly intervalMs: number;
  /** Terminal streams (default: stdin/stdout). The output needs `columns`, `rows` and `isTTY`. */
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
  /** terminfo name (default: $TERM). */
  readonly terminal?: string;
  /** Zone of the log's clock times (default: this machine's). */
  readonly timeZone?: string;
  /** Messages about the inputs (an unreadable file, a skipped line), shown in the events log. */
  readonly notices$?: Observable<string>;
  /** The feature's task graph, when there is one: the run's size, and each level's (as `status` reads them). */
  readonly graph?: TaskGraph | null;
  /** The feature shown while no snapshot has come yet (the run is starting). */
  readonly feature?: string;
  /** Whether the orchestrator of a run that never ended is gone (the run then reads `abandoned`). */
  readonly orchestratorGone?: (snapshot: RunSnapshot, now: number) => boolean;
  /** Closes the dashboard from outside (a signal, the end of the embedding program). */
  readonly signal?: AbortSignal;
  /** The tails of a task's attempt logs (Enter on a task); none: no logs are shown. */
  readonly taskLogs?: (taskId: string, attempts: readonly number[]) => ReadonlyMap<number, LogTail>;
  /** Called after each rendered frame (embedding and tests read what is shown). */
  readonly onFrame?: (frame: DashboardFrame) => void;
  readonly scheduler?: SchedulerLike;
}

export interface DashboardFrame {
  readonly model: DashboardModel;
  readonly overlay: Overlay;
  readonly paused: boolean;
  /** The screen as plain text, one string per row. */
  readonly text: () => string[];
}

/** blessed's key names, as the keys the dashboard knows. */
const KEY_BINDINGS: ReadonlyArray<readonly [readonly string[], DashboardKey]> = [
  [['q', 'C-c'], 'q'],
  [['escape'], 'escape'],
  [['?'], '?'],
  [['up', 'k'], 'up'],
  [['down', 'j'], 'down'],
  [['pageup'], 'pageup'],
  [['pagedown'], 'pagedown'],
  [['end'], 'end'],
  [['enter'], 'enter'],
  [['p'], 'p'],
];

export function openDashboard(options: OpenDashboardOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const screen = blessed.screen({
      // @types/blessed has the two stream types swapped.
      ...(options.input ? { input: options.input as never } : {}),
      ...(options.output ? { output: options.output as never } : {}),
      terminal: options.terminal ?? process.env.TERM ?? 'xterm',
      smartCSR: true,
      warnings: false,
      autoPadding: true,
      title: 'mahabharatha status',
    });
    // @types/blessed leaves out the colour count terminfo gave.
    const theme = themeFor(options.color, (screen.tput as unknown as { colors: number }).colors);
    new DashboardShell(screen, theme, options, (error) => (error === undefined ? resolve() : reject(error))).start();
  });
}

/** The I/O around the pure parts: subscriptions, keys, the frame loop, the terminal. */
class DashboardShell {
  private ui: UiState = initialUi;
  private latest: SnapshotBasis | null = null;
  /** While paused: the snapshot and the clock shown. */
  private frozen: { readonly basis: SnapshotBasis | null; readonly at: number } | null = null;
  private readonly waiting: SnapshotBasis;
  private notices: readonly Notice[] = [];
  private panels: Panels | null = null;
  private lastDrawn = '';
  /** Something changed since the last frame (a snapshot, a key, a resize, a notice). */
  private dirty = true;
  private closed = false;
  private readonly subscriptions: Subscription[] = [];
  private readonly changes$ = new Subject<void>();
  private readonly onAbort = (): void => this.close();

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
    private readonly options: OpenDashboardOptions,
    private readonly done: (error?: Error) => void,
  ) {
    this.waiting = snapshotBasis(emptySnapshot(options.feature ?? null, options.now()), options.graph ?? null);
  }

  start(): void {
    const { options } = this;
    for (const [names, key] of KEY_BINDINGS) this.screen.key([...names], () => this.press(key));
    this.screen.on('resize', () => this.changed());
    // Keys are bound before the first frame is drawn: the terminal is in raw mode from the start.
    this.subscriptions.push(frameTicks(this.changes$, options.intervalMs, options.scheduler).subscribe(() => this.safeDraw()));
    this.subscriptions.push(
      options.snapshot$.subscribe({
        next: (s) => {
          this.latest = snapshotBasis(s, options.graph ?? null);
          if (!this.ui.paused) this.changed();
        },
        // The run completing is not a reason to close: the final figures stay until the user quits.
        complete: () => undefined,
        error: (err: unknown) => this.close(err),
      }),
    );
    const notices = options.notices$?.subscribe((text) => {
      this.notices = [...this.notices, { ts: options.now(), text }].slice(-MAX_NOTICES);
      this.changed();
    });
    if (notices) this.subscriptions.push(notices);
    if (options.signal?.aborted) this.close();
    else options.signal?.addEventListener('abort', this.onAbort);
    this.safeDraw();
  }

  private changed(): void {
    this.dirty = true;
    this.changes$.next();
  }

  private press(key: DashboardKey): void {
    const before = this.ui;
    this.ui = uiReducer(before, key);
    if (this.ui.quit) return this.close();
    if (this.ui.paused !== before.paused) this.frozen = this.ui.paused ? { basis: this.latest, at: this.options.now() } : null;
    this.changed();
  }

  /** The frame of the snapshot shown (the one frozen by a pause, else the latest) at the clock shown. */
  private currentModel(): DashboardModel {
    const { options, ui, frozen } = this;
    const basis = (frozen ? frozen.basis : this.latest) ?? this.waiting;
    const now = frozen ? frozen.at : options.now();
    const shown = frozen ? frozen.basis : this.latest;
    return modelOf(basis, {
      now,
      stallAfterMs: options.stallAfterMs,
      selectedWorker: ui.selectedWorker,
      selectedTaskLine: ui.selectedTaskLine,
      openTask: this.openTask(basis.snapshot),
      overlay: ui.overlay,
      paused: ui.paused,
      width: this.screen.width as number,
      height: this.screen.height as number,
      ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
      notices: this.notices,
      orchestratorGone: shown !== null && options.orchestratorGone !== undefined && options.orchestratorGone(shown.snapshot, now),
      logBack: ui.logBack,
    });
  }

  private openTask(shown: RunSnapshot): OpenTask | null {
    const id = this.ui.openTaskId;
    if (this.ui.overlay !== 'task' || id === null) return null;
    const attempts = shown.attempts.filter((a) => a.taskId === id).map((a) => a.attempt);
    return { taskId: id, tails: this.options.taskLogs?.(id, attempts) ?? new Map() };
  }

  /**
   * A frame on a clock tick with nothing changed only matters while the clock moves what is shown:
   * a paused dashboard, or an ended run, shows the same until something changes (idle CPU).
   */
  private stillFrame(): boolean {
    const shown = this.frozen ? this.frozen.basis : this.latest;
    return !this.dirty && this.ui.overlay !== 'task' && (this.frozen !== null || (shown !== null && shown.snapshot.endedAt !== null));
  }

  private draw(): void {
    if (this.closed || this.stillFrame()) return;
    this.dirty = false;
    const model = this.currentModel();
    this.ui = afterFrame(this.ui, model);
    const rebuilt = this.ensurePanels(model);
    const drawn = drawnKey(model, this.ui);
    if (!rebuilt && drawn === this.lastDrawn) return;
    this.lastDrawn = drawn;
    this.panels?.show(model, this.ui.overlay, this.ui.taskScroll);
    this.screen.render();
    this.options.onFrame?.({ model, overlay: this.ui.overlay, paused: this.ui.paused, text: () => screenText(this.screen) });
  }

  /** Widgets for the model's layout: built again when it changed (a resize, the task stream coming). */
  private ensurePanels(model: DashboardModel): boolean {
    const key = layoutKeyOf(model.layout);
    if (this.panels && this.panels.layoutKey === key) return false;
    this.panels?.destroy();
    this.panels = buildPanels(this.screen, model.layout, this.theme);
    return true;
  }

  private safeDraw(): void {
    try {
      this.draw();
    } catch (err) {
      // A bug: restore the terminal first, then let the caller report it.
      this.close(err);
    }
  }

  private close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions) s.unsubscribe();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.changes$.complete();
    this.panels?.destroy();
    this.screen.destroy();
    this.done(error === undefined ? undefined : error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * What a frame would draw, to skip one that draws the same: the model, with the worker's task
 * list and the task detail only while their overlay shows them (a long list need not be compared).
 */
function drawnKey(model: DashboardModel, ui: UiState): string {
  const shown = { ...model, workerTasks: ui.overlay === 'tasks' ? model.workerTasks : null, taskDetail: ui.overlay === 'task' ? model.taskDetail : null };
  return `${ui.overlay}\u0000${ui.taskScroll}\u0000${JSON.stringify(shown)}`;
}

/** The screen's cells as plain text rows (what a terminal would show, without attributes). */
export function screenText(screen: blessed.Widgets.Screen): string[] {
  const lines = (screen as unknown as { lines: { [col: number]: [number, string] }[] }).lines;
  const out: string[] = [];
  for (const line of lines) {
    let row = '';
    for (let x = 0; x < (screen.width as number); x++) row += line[x]?.[1] ?? ' ';
    out.push(row.replace(/\s+$/, ''));
  }
  return out;
}
