/**
 * Pipeline benchmark, on one generated (seeded) 1M-event JSONL file:
 * - events/s through the reducer alone, inside an RxJS `scan` (events decoded beforehand);
 * - events/s through the whole JSONL → metrics path (`createMetricsProcessor` reading the file, in a process of its own);
 * - events/s of a bare `JSON.parse` loop over the same lines (the ceiling), and the ratio;
 * - peak RSS during the whole path, bytes of a percentile series past 4,096 samples;
 * - state writes/s of a persisting processor under maximum load (the same file, replayed as fast
 *   as it goes).
 * Size by env var, for quick runs: BENCH_EVENTS (default 1,000,000).
 * `npx tsx bench/pipeline.ts` prints them; `npm run bench` runs it so, in a process of its own.
 */
import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { writeLines } from './writeLines';
import * as path from 'node:path';
import { from, lastValueFrom, scan } from 'rxjs';
import type { ReducerInput } from '../src/metrics/reducer';
import { consecutiveRuns } from '../test/helpers/runGenerator';
import { lognormal, mulberry32 } from '../test/helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../test/helpers/tempDir';

// What is timed is the built package (`npm run bench` builds it first), as users run it.
const DIST = path.join(__dirname, '..', 'dist');
const lib = require(path.join(DIST, 'index.js')) as typeof import('../src/index');
const { decodeLineFast } = require(path.join(DIST, 'events', 'fastDecode.js')) as typeof import('../src/events/fastDecode');
const { reduce } = require(path.join(DIST, 'metrics', 'reducer.js')) as typeof import('../src/metrics/reducer');
const { createRunState } = require(path.join(DIST, 'metrics', 'runState.js')) as typeof import('../src/metrics/runState');
const { Series } = require(path.join(DIST, 'metrics', 'series.js')) as typeof import('../src/metrics/series');
const { eventsPath } = require(path.join(DIST, 'state', 'layout.js')) as typeof import('../src/state/layout');
const { createMetricsProcessor, eventLine, StateManager } = lib;

interface PipelineBenchFigures {
  readonly events: number;
  readonly fileBytes: number;
  readonly tasks: number;
  readonly reducerInScanPerSec: number;
  readonly wholePathPerSec: number;
  readonly jsonParsePerSec: number;
  /** The same loop reading and splitting the file first. */
  readonly readParsePerSec: number;
  /** Whole path / JSON.parse ceiling, and / the read + split + parse loop. */
  readonly ratio: number;
  readonly readRatio: number;
  /** Peak resident set size while the whole path ran, and of the bench process overall (bytes). */
  readonly wholePathPeakRss: number;
  readonly processPeakRss: number;
  /** JSON bytes of a duration series past 4,096 samples (100k lognormal durations), and of the largest level series of the run. */
  readonly seriesBytes: number;
  readonly runSeriesBytes: number;
  /** Persisting processor over the same file: state writes, seconds, writes/s, events/s, state file bytes. */
  readonly persist: { readonly writes: number; readonly seconds: number; readonly writesPerSec: number; readonly eventsPerSec: number; readonly stateBytes: number };
}

interface PipelineBenchOptions {
  readonly events?: number;
  readonly seed?: number;
}

const FEATURE = 'bench';
const NOW = Date.UTC(2026, 5, 1);

/** Seconds taken by `f`. */
async function time(f: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function bestOf(repeats: number, f: () => Promise<unknown> | unknown): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) best = Math.min(best, await time(f));
  return best;
}

/**
 * Consecutive runs of a feature until `n` events: 8 workers, three levels of 200 tasks, a task
 * attempt failing often (so that a task has ~14 events and the state stays tens of MB), one producer.
 */
function writeLog(file: string, n: number, seed: number): { tasks: number } {
  const runs = consecutiveRuns(n, seed, { workers: 8, tasksPerLevel: [200, 200, 200], failRate: 0.7, maxRetries: 20, verifyRate: 0.5 });
  let tasks = 0;
  writeLines(file, (function* () {
    for (const e of runs) {
      if (e.type === 'task_created') tasks += 1;
      yield eventLine(e);
    }
  })());
  return { tasks };
}

/** Runs `f` while sampling the RSS; returns the highest sample. */
async function peakRssDuring(f: () => Promise<void>): Promise<number> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await f();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss);
}

async function wholePath(stateDir: string): Promise<void> {
  const processor = createMetricsProcessor({ feature: FEATURE, stateDir, sources: { eventsLog: { follow: false } }, persist: false, now: () => NOW });
  await processor.ready;
  await processor.close();
}

/** The whole JSONL → metrics path over `dir`'s log: its peak RSS on a fresh heap, then its best time. */
async function timeWholePath(dir: string): Promise<{ seconds: number; peakRss: number }> {
  const peakRss = await peakRssDuring(() => wholePath(dir));
  const seconds = await bestOf(3, () => wholePath(dir));
  return { seconds, peakRss };
}

const WHOLE_PATH = '--whole-path';

/**
 * `timeWholePath` in a process of its own, as `mahabharatha status` reads a log. In this one, on
 * the heap that generating the log leaves behind, V8 at times decides (allocation-site
 * pretenuring) to allocate the per-line objects in the old generation, and the same code then
 * runs up to a quarter slower, in about one run out of three.
 */
function wholePathInChild(dir: string): { seconds: number; peakRss: number } {
  const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), __filename, WHOLE_PATH, dir], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the whole-path run failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { seconds: number; peakRss: number };
}

async function benchPipeline(options: PipelineBenchOptions = {}): Promise<PipelineBenchFigures> {
  const n = options.events ?? (Number(process.env.BENCH_EVENTS) || 1_000_000);
  const dir = makeTempDir('mahabharatha-bench-');
  try {
    const file = eventsPath(dir, FEATURE);
    const { tasks } = writeLog(file, n, options.seed ?? 1);
    const fileBytes = fs.statSync(file).size;

    const { seconds: wholeSeconds, peakRss: wholePathPeakRss } = wholePathInChild(dir);

    // The ceiling: JSON.parse of every line, nothing else; and with reading and splitting the file.
    let sink = 0;
    const readParseSeconds = await bestOf(3, () => {
      const all = fs.readFileSync(file, 'utf8').split('\n');
      all.pop();
      for (const line of all) if (JSON.parse(line) !== null) sink += 1;
    });
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.pop();
    const parseSeconds = await bestOf(3, () => {
      for (const line of lines) if (JSON.parse(line) !== null) sink += 1;
    });

    // The reducer alone, inside RxJS scan, over the decoded events.
    const inputs: ReducerInput[] = lines.map((line) => {
      const decoded = decodeLineFast(line);
      if (E.isLeft(decoded)) throw new Error(`generated line does not decode: ${decoded.left.detail}`);
      return { kind: 'event', event: decoded.right };
    });
    lines.length = 0;
    let runSeriesBytes = 0;
    const scanSeconds = await bestOf(3, async () => {
      const state = await lastValueFrom(from(inputs).pipe(scan(reduce, createRunState(FEATURE))));
      for (const level of state.levels.values()) runSeriesBytes = Math.max(runSeriesBytes, JSON.stringify(level.durations.toJSON()).length);
      runSeriesBytes = Math.max(runSeriesBytes, JSON.stringify(state.durations.toJSON()).length);
    });
    inputs.length = 0;

    // A series past the exact limit.
    const series = new Series();
    const rand = mulberry32(7);
    for (let i = 0; i < 100_000; i++) series.add(Math.round(lognormal(rand, Math.log(2000), 1)));
    const seriesBytes = JSON.stringify(series.toJSON()).length;

    // A persisting processor under maximum load: every state write counted.
    let writes = 0;
    const save = StateManager.prototype.save;
    StateManager.prototype.save = function counted(this: InstanceType<typeof StateManager>) {
      writes += 1;
      return save.call(this);
    };
    const persistDir = path.join(dir, 'persist');
    fs.mkdirSync(persistDir);
    fs.renameSync(file, eventsPath(persistDir, FEATURE));
    let persistSeconds: number;
    try {
      persistSeconds = await time(async () => {
        const processor = createMetricsProcessor({ feature: FEATURE, stateDir: persistDir, sources: { eventsLog: { follow: false } }, persist: true, now: () => NOW });
        await processor.ready;
        await processor.close();
      });
    } finally {
      StateManager.prototype.save = save;
    }
    const stateBytes = fs.statSync(path.join(persistDir, `${FEATURE}.json`)).size;
    if (sink < 0) console.log(sink);

    return {
      events: n,
      fileBytes,
      tasks,
      reducerInScanPerSec: n / scanSeconds,
      wholePathPerSec: n / wholeSeconds,
      jsonParsePerSec: n / parseSeconds,
      readParsePerSec: n / readParseSeconds,
      ratio: parseSeconds / wholeSeconds,
      readRatio: readParseSeconds / wholeSeconds,
      wholePathPeakRss,
      processPeakRss: process.resourceUsage().maxRSS * 1024,
      seriesBytes,
      runSeriesBytes,
      persist: { writes, seconds: persistSeconds, writesPerSec: writes / persistSeconds, eventsPerSec: n / persistSeconds, stateBytes },
    };
  } finally {
    removeTempDir(dir);
  }
}

function formatPipelineFigures(f: PipelineBenchFigures): string {
  const rate = (x: number): string => `${(x / 1e6).toFixed(2)} M events/s`;
  const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
  const rows: Array<[string, string, string]> = [
    [`reducer alone, inside RxJS scan`, rate(f.reducerInScanPerSec), 'target ≥ 5 M/s'],
    [`whole path: JSONL file → metrics`, rate(f.wholePathPerSec), ''],
    [`bare JSON.parse loop over the lines (ceiling)`, rate(f.jsonParsePerSec), ''],
    [`the same, reading + splitting the file first`, rate(f.readParsePerSec), ''],
    [`whole path / ceiling`, `${(f.ratio * 100).toFixed(0)} %`, `target ≥ 50 % (${(f.readRatio * 100).toFixed(0)} % of read + split + parse)`],
    [`peak RSS, whole path (bench process)`, `${mb(f.wholePathPeakRss)} (${mb(f.processPeakRss)})`, ''],
    [`percentile series past 4,096 samples (100k)`, `${f.seriesBytes.toLocaleString('en-US')} B`, 'target ≤ 8 KB'],
    [`largest duration series of the run`, `${f.runSeriesBytes.toLocaleString('en-US')} B`, ''],
    [
      `state writes under maximum load`,
      `${f.persist.writesPerSec.toFixed(2)} writes/s`,
      `target ≤ 1/s (${f.persist.writes} writes in ${f.persist.seconds.toFixed(1)} s, ${rate(f.persist.eventsPerSec)}, state file ${mb(f.persist.stateBytes)})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = `pipeline: ${f.events.toLocaleString('en-US')} events (${mb(f.fileBytes)} of JSONL, ${f.tasks.toLocaleString('en-US')} tasks)`;
  return [head, ...rows.map(([k, v, t]) => `  ${k.padEnd(width)}  ${v.padStart(18)}  ${t}`)].join('\n');
}

if (require.main === module) {
  const [mode, dir] = process.argv.slice(2);
  const run = mode === WHOLE_PATH && dir ? timeWholePath(dir).then((r) => JSON.stringify(r)) : benchPipeline().then(formatPipelineFigures);
  run.then(
    (out) => console.log(out),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
