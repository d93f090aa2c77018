/**
 * The live dashboard (DESIGN §7): `openDashboard` shows the snapshots of a run until the user
 * quits. It draws from the pure view-model at most once per interval, and only when the model
 * changed; keys change what is shown, never the data. The promise resolves when the user quits
 * (q, Esc, Ctrl-C) or `signal` aborts, with the terminal restored; it never exits the process.
 */
import blessed from 'blessed';
import { Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { emptySnapshot } from '../../metrics/snapshotOf';
import type { RunSnapshot } from '../../metrics/snapshot';
import type { TaskGraph } from '../../graph/taskGraph';
import { frameTicks } from './frames';
import { layoutKeyOf, buildPanels, type Overlay, type Panels } from './panels';
import { themeFor } from './theme';
import { dashboardModel, type DashboardModel, type Notice } from './viewModel';
import type { LogTail } from '../taskDetail';

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
    const changes$ = new Subject<void>();
    const changed = (): void => changes$.next();

    let latest: RunSnapshot | null = null;
    let paused: { snapshot: RunSnapshot | null; at: number } | null = null;
    let selectedWorker: number | null = null;
    // Lines the events log is scrolled back from the newest (0: it follows new events).
    let logBack = 0;
    let selectedTaskLine = 0;
    let openTaskId: string | null = null;
    let overlay: Overlay = 'none';
    let panels: Panels | null = null;
    let lastModel: DashboardModel | null = null;
    let lastDrawn = '';
    // Bumped when the task list scrolls: not in the model, but a reason to draw.
    let scrolled = 0;
    let closed = false;
    let frames: Subscription | undefined;
    let snapshots: Subscription | undefined;
    let noticeFeed: Subscription | undefined;
    let notices: readonly Notice[] = [];

    const waiting = emptySnapshot(options.feature ?? null, options.now());

    const close = (error?: unknown): void => {
      if (closed) return;
      closed = true;
      frames?.unsubscribe();
      snapshots?.unsubscribe();
      noticeFeed?.unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
      changes$.complete();
      panels?.destroy();
      screen.destroy();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = (): void => close();

    const openTask = (shown: RunSnapshot): { taskId: string; tails: ReadonlyMap<number, LogTail> } | null => {
      if (overlay !== 'task' || openTaskId === null) return null;
      const id = openTaskId;
      const attempts = shown.attempts.filter((a) => a.taskId === id).map((a) => a.attempt);
      return { taskId: id, tails: options.taskLogs?.(id, attempts) ?? new Map() };
    };

    const currentModel = (): DashboardModel => {
      const shown = paused ? paused.snapshot : latest;
      const now = paused ? paused.at : options.now();
      return dashboardModel(shown ?? waiting, {
        selectedTaskLine,
        openTask: openTask(shown ?? waiting),
        now,
        stallAfterMs: options.stallAfterMs,
        selectedWorker,
        paused: paused !== null,
        width: screen.width as number,
        height: screen.height as number,
        ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
        notices,
        graph: options.graph ?? null,
        orchestratorGone: shown !== null && options.orchestratorGone !== undefined && options.orchestratorGone(shown, now),
        logBack,
      });
    };

    const draw = (): void => {
      if (closed) return;
      const model = currentModel();
      lastModel = model;
      // As far back as there are older lines: PgDn then moves at once, however often PgUp was pressed.
      logBack = model.logView.back;
      const key = layoutKeyOf(model.layout);
      let rebuilt = false;
      if (!panels || panels.layoutKey !== key) {
        panels?.destroy();
        panels = buildPanels(screen, model.layout, theme);
        rebuilt = true;
      }
      const drawn = `${overlay}\u0000${scrolled}\u0000${JSON.stringify(model)}`;
      if (!rebuilt && drawn === lastDrawn) return;
      lastDrawn = drawn;
      panels.show(model, overlay);
      screen.render();
      options.onFrame?.({ model, overlay, paused: paused !== null, text: () => screenText(screen) });
    };

    const safeDraw = (): void => {
      try {
        draw();
      } catch (err) {
        // A bug: restore the terminal first, then let the caller report it.
        close(err);
      }
    };

    const moveSelection = (step: number): void => {
      if (overlay === 'tasks') {
        const lines = lastModel?.workerTasks?.lines.length ?? 1;
        selectedTaskLine = Math.max(0, Math.min(lines - 1, selectedTaskLine + step));
        changed();
        return;
      }
      if (overlay === 'task') {
        panels?.scrollTasks(step);
        scrolled += 1;
        changed();
        return;
      }
      const rows = lastModel?.workers.rows ?? [];
      if (rows.length === 0) return;
      // From the selection as the keys left it, not as last drawn: keys in one burst (key repeat,
      // a paste, ssh) arrive before the next frame, and each moves one more row.
      const chosen = rows.findIndex((r) => r.id === selectedWorker);
      const at = chosen >= 0 ? chosen : (lastModel?.workers.selectedIndex ?? 0);
      const next = Math.max(0, Math.min(rows.length - 1, at + step));
      selectedWorker = rows[next]?.id ?? null;
      changed();
    };

    /** PgUp/PgDn: the task list when it is open, else the events log, a page (less one line) at a time. */
    const page = (direction: -1 | 1): void => {
      const log = lastModel?.layout.log;
      const rows = log ? Math.max(1, log.height - 3) : 1;
      if (overlay === 'tasks' || overlay === 'task') {
        moveSelection(direction * 10);
        return;
      }
      logBack = Math.max(0, logBack - direction * rows);
      changed();
    };

    screen.key(['q', 'C-c'], () => close());
    screen.key(['escape'], () => {
      if (overlay !== 'none') {
        // A task's detail goes back to the list it was opened from.
        overlay = overlay === 'task' ? 'tasks' : 'none';
        changed();
      } else close();
    });
    screen.key(['?'], () => {
      overlay = overlay === 'help' ? 'none' : 'help';
      changed();
    });
    screen.key(['up', 'k'], () => moveSelection(-1));
    screen.key(['down', 'j'], () => moveSelection(1));
    screen.key(['pageup'], () => page(-1));
    screen.key(['pagedown'], () => page(1));
    screen.key(['end'], () => {
      logBack = 0;
      changed();
    });
    screen.key(['enter'], () => {
      if (overlay === 'tasks') {
        // The line as the keys left it (a burst may be ahead of the last frame), within the list.
        const ids = lastModel?.workerTasks?.taskIds ?? [];
        const id = ids[Math.min(selectedTaskLine, ids.length - 1)] ?? null;
        if (id === null) return;
        openTaskId = id;
        overlay = 'task';
      } else if (overlay === 'task') {
        overlay = 'tasks';
      } else {
        selectedTaskLine = 0;
        overlay = 'tasks';
      }
      changed();
    });
    screen.key(['p'], () => {
      paused = paused ? null : { snapshot: latest, at: options.now() };
      changed();
    });
    screen.on('resize', changed);

    // Keys are bound before the first frame is drawn: the terminal is in raw mode from the start.
    frames = frameTicks(changes$, options.intervalMs, options.scheduler).subscribe(safeDraw);
    snapshots = options.snapshot$.subscribe({
      next: (s) => {
        latest = s;
        if (!paused) changed();
      },
      // The run completing is not a reason to close: the final figures stay until the user quits.
      complete: () => undefined,
      error: (err: unknown) => close(err),
    });

    noticeFeed = options.notices$?.subscribe((text) => {
      notices = [...notices, { ts: options.now(), text }].slice(-MAX_NOTICES);
      changed();
    });

    if (options.signal?.aborted) close();
    else options.signal?.addEventListener('abort', onAbort);
    safeDraw();
  });
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
