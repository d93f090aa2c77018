/**
 * Dashboard benchmark: the time to build and render one frame at 160×48 with 64 workers and 20
 * levels (target ≤ 5 ms), and the dashboard's CPU use while nothing happens (target < 2% of a core).
 *
 * `benchDashboard()` returns the figures; `npx tsx bench/dashboard.ts` prints them. The run is
 * generated from a seed and folded before timing starts; frames are drawn into a fake terminal.
 */
import blessed from 'blessed';
import { PassThrough, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { BehaviorSubject } from 'rxjs';
import { reduce } from '../src/metrics/reducer';
import { createRunState } from '../src/metrics/runState';
import { snapshotOf } from '../src/metrics/snapshotOf';
import type { RunSnapshot } from '../src/metrics/snapshot';
import { openDashboard } from '../src/views/dashboard';
import { buildPanels } from '../src/views/dashboard/panels';
import { themeFor } from '../src/views/dashboard/theme';
import { dashboardModel } from '../src/views/dashboard/viewModel';
import { generateRun } from '../test/helpers/runGenerator';
import { mulberry32 } from '../test/helpers/seededRandom';

export interface DashboardBenchFigures {
  readonly width: number;
  readonly height: number;
  readonly workers: number;
  readonly levels: number;
  readonly tasks: number;
  readonly frames: number;
  /** Per frame: view-model only, widgets + screen.render only, and the two together (ms). */
  readonly modelMs: Stats;
  readonly renderMs: Stats;
  readonly frameMs: Stats;
  /** Building the widgets for a layout (first frame, and after each resize), ms. */
  readonly buildMs: number;
  /** Bytes written to the terminal per frame, mean. */
  readonly bytesPerFrame: number;
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
  const events = generateRun(mulberry32(2026), { workers: WORKERS, tasksPerLevel: Array.from({ length: LEVELS }, () => 96), failRate: 0.05 });
  const cut = Math.floor(events.length * 0.75);
  const state = createRunState('bench');
  for (const event of events.slice(0, cut)) reduce(state, { kind: 'event', event });
  const at = (events[cut - 1]?.ts ?? 0) + 500;
  return { snapshot: snapshotOf(state, at), at };
}

export async function benchDashboard(options: DashboardBenchOptions = {}): Promise<DashboardBenchFigures> {
  const frames = options.frames ?? 300;
  const idleSeconds = options.idleSeconds ?? 5;
  const { snapshot, at } = bigRunSnapshot();

  // Frames: each one differs (the clock moves a second, the selection moves), so each is drawn.
  const term = fakeTerminal(WIDTH, HEIGHT);
  const screen = blessed.screen({ input: term.input as never, output: term.output as never, terminal: 'xterm-256color', smartCSR: true, warnings: false });
  const theme = themeFor(true);
  const modelMs: number[] = [];
  const renderMs: number[] = [];
  const frameMs: number[] = [];
  let buildMs = 0;
  let bytesBefore = 0;
  try {
    const options0 = { now: at, stallAfterMs: 120_000, selectedWorker: null, paused: false, width: WIDTH, height: HEIGHT };
    const t0 = performance.now();
    const panels = buildPanels(screen, dashboardModel(snapshot, options0).layout, theme);
    buildMs = performance.now() - t0;
    // Warm-up (JIT), not timed.
    for (let i = 0; i < 30; i++) {
      panels.show(dashboardModel(snapshot, { ...options0, now: at + i * 1000 }), 'none');
      screen.render();
    }
    bytesBefore = term.bytes();
    for (let i = 0; i < frames; i++) {
      const a = performance.now();
      const model = dashboardModel(snapshot, { ...options0, now: at + (30 + i) * 1000, selectedWorker: 1 + (i % WORKERS) });
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
  const bytesPerFrame = (term.bytes() - bytesBefore) / frames;

  // Idle: an open dashboard on a snapshot that does not change, its clock stopped (nothing to
  // draw). Measured from one second after the first frame, so opening it is not counted.
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
  idleFrames -= framesBefore;
  stop.abort();
  await open;

  return {
    width: WIDTH,
    height: HEIGHT,
    workers: snapshot.metrics.workerMetrics.length,
    levels: snapshot.metrics.levelMetrics.length,
    tasks: snapshot.tasks.length,
    frames,
    modelMs: stats(modelMs),
    renderMs: stats(renderMs),
    frameMs: stats(frameMs),
    buildMs,
    bytesPerFrame,
    idleSeconds,
    idleCpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    idleFrames,
  };
}

const ms = (s: Stats): string => `mean ${s.mean.toFixed(2)}  p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  max ${s.max.toFixed(2)} ms`;

export function formatDashboardFigures(f: DashboardBenchFigures): string {
  return [
    `dashboard ${f.width}×${f.height}, ${f.workers} workers, ${f.levels} levels, ${f.tasks} tasks, ${f.frames} frames`,
    `  frame (model + render)  ${ms(f.frameMs)}   (target ≤ 5 ms)`,
    `    view-model            ${ms(f.modelMs)}`,
    `    widgets + render      ${ms(f.renderMs)}`,
    `  build widgets           ${f.buildMs.toFixed(2)} ms (first frame, each resize)`,
    `  output per frame        ${Math.round(f.bytesPerFrame)} bytes`,
    `  idle CPU                ${f.idleCpuPercent.toFixed(2)}% of a core over ${f.idleSeconds} s, ${f.idleFrames} frame(s) drawn   (target < 2%)`,
  ].join('\n');
}

if (require.main === module) {
  benchDashboard().then(
    (f) => process.stdout.write(`${formatDashboardFigures(f)}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
