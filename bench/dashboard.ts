/**
 * Dashboard benchmark: the time to build and render one frame at 160×48 (target ≤ 5 ms) and the
 * dashboard's CPU use while nothing happens (target < 2% of a core), for a run of 64 workers and
 * 20 levels and for a run of 200,000 tasks (BENCH_DASHBOARD_TASKS); and, as whole processes, how
 * long `status --watch` takes to show that run complete against a one-shot `status` (goal ≤ 2×).
 *
 * `benchDashboard()`, `benchLargeRun()` and `benchWatchComplete()` return the figures; `npm run
 * build && npx tsx bench/dashboard.ts` prints them. Runs are generated from a seed and folded
 * before timing starts; frames are drawn into a fake terminal.
 */
import blessed from 'blessed';
import { spawn, spawnSync } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { BehaviorSubject } from 'rxjs';
import type { LifecycleEvent } from '../src/events/codecs';
import { reduce } from '../src/metrics/reducer';
import { createRunState } from '../src/metrics/runState';
import { snapshotOf } from '../src/metrics/snapshotOf';
import type { RunSnapshot } from '../src/metrics/snapshot';
import { eventsPath } from '../src/state/layout';
import { openDashboard } from '../src/views/dashboard';
import { buildPanels } from '../src/views/dashboard/panels';
import { snapshotBasis } from '../src/views/dashboard/snapshotBasis';
import { themeFor } from '../src/views/dashboard/theme';
import { modelOf } from '../src/views/dashboard/viewModel';
import { generateRun } from '../test/helpers/runGenerator';
import { mulberry32 } from '../test/helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../test/helpers/tempDir';
import { envInt, MAIN, writeLog } from './process';

export interface FrameFigures {
  /** Per frame: view-model only, widgets + screen.render only, and the two together (ms). */
  readonly modelMs: Stats;
  readonly renderMs: Stats;
  readonly frameMs: Stats;
  /** Building the widgets for a layout (first frame, and after each resize), ms. */
  readonly buildMs: number;
  /** Bytes written to the terminal per frame, mean. */
  readonly bytesPerFrame: number;
}

export interface DashboardBenchFigures extends FrameFigures {
  readonly width: number;
  readonly height: number;
  readonly workers: number;
  readonly levels: number;
  readonly tasks: number;
  readonly frames: number;
  /** CPU time of the whole process over `idleSeconds` of an open dashboard with nothing new (frames drawn meanwhile: `idleFrames`). */
  readonly idleSeconds: number;
  readonly idleCpuPercent: number;
  readonly idleFrames: number;
}

export interface Stats {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface DashboardBenchOptions {
  readonly frames?: number;
  readonly idleSeconds?: number;
}

const WIDTH = 160;
const HEIGHT = 48;
const WORKERS = 64;
const LEVELS = 20;

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), p50: at(50), p95: at(95), max: sorted[sorted.length - 1] ?? 0 };
}

function fakeTerminal(columns: number, rows: number) {
  let bytes = 0;
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        bytes += chunk.length;
        done();
      },
    }),
    { isTTY: true, columns, rows },
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => undefined });
  return { input, output, bytes: () => bytes };
}

/** A big run, three quarters through: 64 workers busy on level 15 of 20. */
function bigRunSnapshot(): { snapshot: RunSnapshot; at: number } {
  return foldedAt(generateRun(mulberry32(2026), { workers: WORKERS, tasksPerLevel: Array.from({ length: LEVELS }, () => 96), failRate: 0.05 }), 0.75);
}

/** The run of `events` folded up to `fraction` of them, and a clock half a second after the last. */
function foldedAt(events: readonly LifecycleEvent[], fraction: number): { snapshot: RunSnapshot; at: number } {
  const cut = Math.floor(events.length * fraction);
  const state = createRunState('bench');
  for (let i = 0; i < cut; i++) reduce(state, { kind: 'event', event: events[i] as LifecycleEvent });
  const at = (events[cut - 1]?.ts ?? 0) + 500;
  return { snapshot: snapshotOf(state, at), at };
}

/** The frames of one snapshot: each differs (the clock moves a second, the selection moves), so each is drawn. */
function frameFigures(snapshot: RunSnapshot, at: number, frames: number): FrameFigures {
  const term = fakeTerminal(WIDTH, HEIGHT);
  const screen = blessed.screen({ input: term.input as never, output: term.output as never, terminal: 'xterm-256color', smartCSR: true, warnings: false });
  const theme = themeFor(true);
  const modelMs: number[] = [];
  const renderMs: number[] = [];
  const frameMs: number[] = [];
  const workers = snapshot.metrics.workerMetrics.length;
  // Kept from frame to frame, as the dashboard keeps it until the next snapshot.
  const basis = snapshotBasis(snapshot);
  let buildMs = 0;
  let bytesBefore = 0;
  try {
    const options0 = { now: at, stallAfterMs: 120_000, selectedWorker: null, paused: false, width: WIDTH, height: HEIGHT, overlay: 'none' as const };
    const t0 = performance.now();
    const panels = buildPanels(screen, modelOf(basis, options0).layout, theme);
    buildMs = performance.now() - t0;
    // Warm-up (JIT), not timed.
    for (let i = 0; i < 30; i++) {
      panels.show(modelOf(basis, { ...options0, now: at + i * 1000 }), 'none');
      screen.render();
    }
    bytesBefore = term.bytes();
    for (let i = 0; i < frames; i++) {
      const a = performance.now();
      const model = modelOf(basis, { ...options0, now: at + (30 + i) * 1000, selectedWorker: 1 + (i % workers) });
      const b = performance.now();
      panels.show(model, 'none');
      screen.render();
      const c = performance.now();
      modelMs.push(b - a);
      renderMs.push(c - b);
      frameMs.push(c - a);
    }
  } finally {
    screen.destroy();
  }
  // Counted once the screen is gone: blessed flushes what it buffered then.
  return { modelMs: stats(modelMs), renderMs: stats(renderMs), frameMs: stats(frameMs), buildMs, bytesPerFrame: (term.bytes() - bytesBefore) / frames };
}

/**
 * Idle: an open dashboard on a snapshot that does not change, its clock stopped (nothing to draw).
 * Measured from one second after the first frame, so opening it is not counted.
 */
async function idleFigures(snapshot: RunSnapshot, at: number, idleSeconds: number): Promise<{ cpuPercent: number; frames: number }> {
  const idle = fakeTerminal(WIDTH, HEIGHT);
  const stop = new AbortController();
  let idleFrames = 0;
  let firstFrame: () => void = () => undefined;
  const drawn = new Promise<void>((resolve) => (firstFrame = resolve));
  const open = openDashboard({
    snapshot$: new BehaviorSubject(snapshot),
    now: () => at,
    stallAfterMs: 120_000,
    color: true,
    intervalMs: 200,
    input: idle.input,
    output: idle.output,
    terminal: 'xterm-256color',
    signal: stop.signal,
    onFrame: () => {
      idleFrames += 1;
      firstFrame();
    },
  });
  await drawn;
  await new Promise((r) => setTimeout(r, 1000));
  const framesBefore = idleFrames;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  stop.abort();
  await open;
  return { cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100, frames: idleFrames - framesBefore };
}

export async function benchDashboard(options: DashboardBenchOptions = {}): Promise<DashboardBenchFigures> {
  const frames = options.frames ?? 300;
  const idleSeconds = options.idleSeconds ?? 5;
  const { snapshot, at } = bigRunSnapshot();
  const f = frameFigures(snapshot, at, frames);
  const idle = await idleFigures(snapshot, at, idleSeconds);
  return {
    width: WIDTH,
    height: HEIGHT,
    workers: snapshot.metrics.workerMetrics.length,
    levels: snapshot.metrics.levelMetrics.length,
    tasks: snapshot.tasks.length,
    frames,
    ...f,
    idleSeconds,
    idleCpuPercent: idle.cpuPercent,
    idleFrames: idle.frames,
  };
}

export interface LargeRunFigures {
  readonly tasks: number;
  readonly frames: number;
  /** Frames of the run three quarters through (running: every frame moves), and of the complete run. */
  readonly running: FrameFigures;
  readonly complete: FrameFigures;
  /** CPU of an open dashboard on the complete run, nothing new coming. */
  readonly idleCpuPercent: number;
  readonly idleSeconds: number;
}

/** The shape `bench/process.ts` generates its logs in: 8 workers, levels of 2,000 tasks. */
const largeRunEvents = (tasks: number): LifecycleEvent[] => {
  const levels = Math.max(1, Math.round(tasks / 2000));
  return generateRun(mulberry32(1), { workers: 8, tasksPerLevel: Array.from({ length: levels }, () => Math.round(tasks / levels)), failRate: 0.01, maxRetries: 3, verifyRate: 0, feature: 'bench', producer: 'orch' });
};

/** Frames and idle CPU at `tasks` tasks (BENCH_DASHBOARD_TASKS, default 200,000). */
export async function benchLargeRun(tasks = envInt('BENCH_DASHBOARD_TASKS', 200_000), frames = 60, idleSeconds = 5): Promise<LargeRunFigures> {
  const events = largeRunEvents(tasks);
  const running = foldedAt(events, 0.75);
  const runningFrames = frameFigures(running.snapshot, running.at, frames);
  const complete = foldedAt(events, 1);
  const completeFrames = frameFigures(complete.snapshot, complete.at, frames);
  const idle = await idleFigures(complete.snapshot, complete.at, idleSeconds);
  return { tasks: complete.snapshot.tasks.length, frames, running: runningFrames, complete: completeFrames, idleCpuPercent: idle.cpuPercent, idleSeconds };
}

export interface WatchFigures {
  readonly tasks: number;
  readonly events: number;
  /** Best wall time of a one-shot `status` on the log, and of `status --watch` until its header reads COMPLETE (s). */
  readonly statusSeconds: number;
  readonly watchSeconds: number;
  /** watch ÷ status: goal ≤ 2. */
  readonly ratio: number;
}

/** Seconds from starting `status --watch` (in a pseudo-terminal of 160×48, through `script`) until it shows the run complete. */
function watchUntilComplete(stateDir: string, timeoutMs: number): Promise<number> {
  const command = `stty cols ${WIDTH} rows ${HEIGHT}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} status --watch --state-dir ${JSON.stringify(stateDir)} --feature bench`;
  const start = performance.now();
  // Its own process group, so that the dashboard under `script` is stopped with it.
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: { ...process.env, TERM: 'xterm-256color' } });
  return new Promise((resolve, reject) => {
    let seen = '';
    const finish = (error: Error | null): void => {
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      if (error) reject(error);
      else resolve((performance.now() - start) / 1000);
    };
    const timer = setTimeout(() => finish(new Error(`status --watch did not show the run complete within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      // The header's run state, as blessed draws it (the tail of the last chunk kept: a word may be split).
      seen = seen.slice(-16) + chunk.toString('latin1');
      if (seen.includes('COMPLETE')) finish(null);
    });
    child.on('error', finish);
  });
}

/**
 * Whole processes, as users run them: `status --watch` on a complete run's log until it shows it
 * complete, against a one-shot `status` on the same log (goal: within 2×). Needs `npm run build`
 * and `script` (util-linux).
 */
export async function benchWatchComplete(tasks = envInt('BENCH_DASHBOARD_TASKS', 200_000), repeats = envInt('BENCH_REPEATS', 2)): Promise<WatchFigures> {
  const dir = makeTempDir('mahabharatha-bench-watch-');
  try {
    const events = writeLog(eventsPath(dir, 'bench'), tasks, 'ours');
    let statusSeconds = Infinity;
    let watchSeconds = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const one = spawnSync(process.execPath, [MAIN, 'status', '--state-dir', dir, '--feature', 'bench'], { stdio: 'ignore' });
      if (one.status !== 0) throw new Error(`status failed (${one.status})`);
      statusSeconds = Math.min(statusSeconds, (performance.now() - t0) / 1000);
      watchSeconds = Math.min(watchSeconds, await watchUntilComplete(dir, 600_000));
    }
    return { tasks, events, statusSeconds, watchSeconds, ratio: watchSeconds / statusSeconds };
  } finally {
    removeTempDir(dir);
  }
}

const ms = (s: Stats): string => `mean ${s.mean.toFixed(2)}  p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  max ${s.max.toFixed(2)} ms`;

const frameLines = (f: FrameFigures): string[] => [
  `  frame (model + render)  ${ms(f.frameMs)}   (target ≤ 5 ms)`,
  `    view-model            ${ms(f.modelMs)}`,
  `    widgets + render      ${ms(f.renderMs)}`,
  `  build widgets           ${f.buildMs.toFixed(2)} ms (first frame, each resize)`,
  `  output per frame        ${Math.round(f.bytesPerFrame)} bytes`,
];

export function formatDashboardFigures(f: DashboardBenchFigures): string {
  return [
    `dashboard ${f.width}×${f.height}, ${f.workers} workers, ${f.levels} levels, ${f.tasks} tasks, ${f.frames} frames`,
    ...frameLines(f),
    `  idle CPU                ${f.idleCpuPercent.toFixed(2)}% of a core over ${f.idleSeconds} s, ${f.idleFrames} frame(s) drawn   (target < 2%)`,
  ].join('\n');
}

export function formatLargeRunFigures(f: LargeRunFigures): string {
  return [
    `dashboard ${WIDTH}×${HEIGHT}, ${f.tasks} tasks, ${f.frames} frames: three quarters through`,
    ...frameLines(f.running),
    `  the run complete`,
    ...frameLines(f.complete),
    `  idle CPU (complete run)  ${f.idleCpuPercent.toFixed(2)}% of a core over ${f.idleSeconds} s   (target < 2%)`,
  ].join('\n');
}

export const formatWatchFigures = (f: WatchFigures): string =>
  [
    `status --watch until it shows the run complete, ${f.tasks} tasks (${f.events} events), whole processes, best of runs`,
    `  status (one-shot)       ${f.statusSeconds.toFixed(2)} s`,
    `  status --watch          ${f.watchSeconds.toFixed(2)} s   ${f.ratio.toFixed(2)}× status   (goal ≤ 2×)`,
  ].join('\n');

if (require.main === module) {
  (async () => {
    process.stdout.write(`${formatDashboardFigures(await benchDashboard())}\n\n`);
    process.stdout.write(`${formatLargeRunFigures(await benchLargeRun())}\n\n`);
    process.stdout.write(`${formatWatchFigures(await benchWatchComplete())}\n`);
  })().then(
    () => undefined,
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
