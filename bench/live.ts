/**
 * Live benchmarks, as whole processes reading the built package as a library user does:
 * - live append: this process appends events (our writer's lines, stamped when written) to a log
 *   at a steady rate while a reader process follows it (`createMetricsProcessor`, the processor
 *   the dashboard reads); the reader's lag is, at each snapshot it gets, its clock less the
 *   stamp of the last event the snapshot holds. Printed: the largest lag while the writer writes
 *   and the time to catch up after it stops (goal: within 1 s of the file). The goal's run is
 *   5,000 events/s for 2 minutes; BENCH_LIVE_SECONDS (default 30) shortens it: the lag of a
 *   reader that keeps up does not grow with the run.
 * - a library subscriber's `snapshot()` on a 150,000-task run (BENCH_SNAPSHOT_TASKS), followed
 *   and caught up: the cost of one call (goal ≤ 50 ms), the median and the largest of 9.
 * The reader side runs in a child process: `npx tsx bench/live.ts reader|snapshot …`.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRun } from '../test/helpers/runGenerator';
import { mulberry32 } from '../test/helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../test/helpers/tempDir';
import { envInt, writeLog } from './process';

const DIST = path.join(__dirname, '..', 'dist');
const lib = require(path.join(DIST, 'index.js')) as typeof import('../src/index');
const { eventsPath } = require(path.join(DIST, 'state', 'layout.js')) as typeof import('../src/state/layout');
const { createMetricsProcessor, encodeEvent } = lib;

const FEATURE = 'bench';
const ROOT = path.join(__dirname, '..');

export interface LiveFigures {
  readonly eventsPerSec: number;
  readonly seconds: number;
  readonly events: number;
  /** Largest lag (ms) of the reader's snapshots while events were written, after its first one. */
  readonly maxLagMs: number;
  /** Lag of the reader's snapshots while writing: the 95th percentile (ms). */
  readonly p95LagMs: number;
  /** From the last write to the reader's snapshot holding the last event (ms). */
  readonly catchUpMs: number;
  /** Events the reader had folded at its last snapshot (all of them, when it kept up). */
  readonly readerEvents: number;
}

export interface SnapshotCostFigures {
  readonly tasks: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

/** A child reading the built package: `reader` (follows a log, prints `clock lastEventAt events` per snapshot) or `snapshot`. */
function child(args: readonly string[]): { file: string; argv: string[] } {
  return { file: process.execPath, argv: ['-r', 'tsx/cjs', __filename, ...args] };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends `rate` events a second (in 100 bursts) for `seconds`, while a reader follows; its lag. */
export async function benchLive(): Promise<LiveFigures> {
  const rate = envInt('BENCH_LIVE_RATE', 5000);
  const seconds = envInt('BENCH_LIVE_SECONDS', 30);
  const dir = makeTempDir('mahabharatha-bench-live-');
  try {
    const file = eventsPath(dir, FEATURE);
    const total = rate * seconds;
    // A run of about `total` events: 4 per task, levels of 2,000 tasks.
    const levels = Math.max(1, Math.round(total / 4 / 2000));
    const events = generateRun(mulberry32(5), { workers: 8, tasksPerLevel: Array.from({ length: levels }, () => 2000), failRate: 0.01, maxRetries: 3, verifyRate: 0, feature: FEATURE, producer: 'orch' }).slice(0, total);
    fs.writeFileSync(file, '');
    const { file: exe, argv } = child(['reader', dir]);
    const reader = spawn(exe, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const samples: { clock: number; last: number; events: number }[] = [];
    let buffered = '';
    reader.stdout.setEncoding('utf8');
    reader.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [clock, last, n] = line.split(' ').map(Number);
        samples.push({ clock: clock as number, last: last as number, events: n as number });
      }
    });
    // The reader is up (it has printed its first, empty snapshot) before the writer starts.
    const up = Date.now() + 30_000;
    while (samples.length === 0 && Date.now() < up) await sleep(20);

    const fd = fs.openSync(file, 'a');
    const burst = Math.max(1, Math.round(rate / 100));
    const started = Date.now();
    let written = 0;
    let lastWrite = started;
    while (written < events.length) {
      const due = Math.min(events.length, Math.round(((Date.now() - started) / 1000) * rate) + burst);
      if (due > written) {
        const now = Date.now();
        let text = '';
        for (; written < due; written++) text += `${JSON.stringify(encodeEvent({ ...(events[written] as (typeof events)[number]), ts: now }))}\n`;
        fs.writeSync(fd, text);
        lastWrite = now;
      }
      await sleep(10);
    }
    fs.closeSync(fd);
    const writing = samples.filter((s) => s.clock >= started && s.clock <= lastWrite && s.last > 0);
    // Caught up: a snapshot holding every event (the last ones are stamped `lastWrite`).
    const deadline = Date.now() + 60_000;
    let caught: { clock: number } | undefined;
    while (!(caught = samples.find((s) => s.events >= events.length)) && Date.now() < deadline) await sleep(20);
    reader.kill('SIGTERM');
    const lags = writing.map((s) => s.clock - s.last).sort((a, b) => a - b);
    return {
      eventsPerSec: rate,
      seconds,
      events: events.length,
      maxLagMs: lags.length > 0 ? (lags[lags.length - 1] as number) : NaN,
      p95LagMs: lags.length > 0 ? (lags[Math.floor(0.95 * (lags.length - 1))] as number) : NaN,
      catchUpMs: caught ? caught.clock - lastWrite : NaN,
      readerEvents: samples.at(-1)?.events ?? 0,
    };
  } finally {
    removeTempDir(dir);
  }
}

/** The cost of `snapshot()` for a subscriber following a log of `BENCH_SNAPSHOT_TASKS` tasks, in a process of its own. */
export function benchSnapshotCost(): SnapshotCostFigures {
  const tasks = envInt('BENCH_SNAPSHOT_TASKS', 150_000);
  const dir = makeTempDir('mahabharatha-bench-snapshot-');
  try {
    writeLog(eventsPath(dir, FEATURE), tasks, 'ours');
    const { file, argv } = child(['snapshot', dir]);
    const run = spawnSync(file, argv, { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`snapshot bench failed (${run.status}): ${run.stderr.slice(0, 500)}`);
    const times = (run.stdout.trim().split(' ').map(Number) as number[]).sort((a, b) => a - b);
    return { tasks, medianMs: times[Math.floor(times.length / 2)] as number, maxMs: times[times.length - 1] as number };
  } finally {
    removeTempDir(dir);
  }
}

export function formatLiveFigures(live: LiveFigures, snap: SnapshotCostFigures): string {
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const row = (label: string, value: string, note: string): string => `  ${label.padEnd(52)}  ${value.padStart(20)}  ${note}`;
  return [
    'live (whole processes: this one appends, a library reader follows)',
    row(
      `append ${live.eventsPerSec.toLocaleString('en-US')} events/s for ${live.seconds} s: reader lag`,
      `max ${(live.maxLagMs / 1000).toFixed(2)} s`,
      `p95 ${(live.p95LagMs / 1000).toFixed(2)} s; caught up ${(live.catchUpMs / 1000).toFixed(2)} s after the writer stopped (goal ≤ 1 s: ${met(live.maxLagMs <= 1000 && live.catchUpMs <= 1000)}); ${live.readerEvents.toLocaleString('en-US')}/${live.events.toLocaleString('en-US')} events read`,
    ),
    row(`snapshot() of a subscriber, ${snap.tasks.toLocaleString('en-US')} tasks`, `${snap.medianMs.toFixed(0)} ms`, `median of 9, max ${snap.maxMs.toFixed(0)} ms (goal ≤ 50 ms: ${met(snap.medianMs <= 50)})`),
  ].join('\n');
}

/** The reader: follows the log; per snapshot, one line `clock lastEventAt eventsFolded`. */
async function readerMain(dir: string): Promise<void> {
  const processor = createMetricsProcessor({ feature: FEATURE, stateDir: dir, sources: { eventsLog: { follow: true } }, persist: false });
  let folded = 0;
  processor.events$.subscribe(() => {
    folded += 1;
  });
  processor.snapshot$.subscribe((s) => {
    process.stdout.write(`${Date.now()} ${s.lastEventAt ?? 0} ${folded}\n`);
  });
  process.on('SIGTERM', () => {
    void processor.close().then(() => process.exit(0));
  });
}

/** `snapshot()` of a processor that has followed the log to its end, timed 9 times (ms, space-separated). */
async function snapshotMain(dir: string): Promise<void> {
  const processor = createMetricsProcessor({ feature: FEATURE, stateDir: dir, sources: { eventsLog: { follow: true } }, persist: false });
  await processor.ready;
  const times: number[] = [];
  for (let k = 0; k < 9; k++) {
    const start = process.hrtime.bigint();
    processor.snapshot();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  await processor.close();
  process.stdout.write(times.map((t) => t.toFixed(2)).join(' '));
}

if (require.main === module) {
  const [mode, dir] = process.argv.slice(2);
  if (mode === 'reader' && dir) void readerMain(dir);
  else if (mode === 'snapshot' && dir) void snapshotMain(dir);
  else
    void (async () => {
      const live = await benchLive();
      console.log(formatLiveFigures(live, benchSnapshotCost()));
    })();
}
