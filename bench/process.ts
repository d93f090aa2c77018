/**
 * Whole-process benchmark: `mahabharatha status` timed as users run it, from start to output, each
 * figure side by side with a ceiling measured in the same run on the same file:
 * - generated logs (seeded) in three styles — our writer's lines; upstream's key order
 *   (`timestamp,type,feature,data`); upstream's Python lines (`", "` separators, `…000000+00:00`
 *   stamps) — each read by `status` and `status --json` (stdout to /dev/null) against a bare node
 *   script that reads, splits and `JSON.parse`s the file: wall time and peak RSS;
 * - a generated upstream state dir (state file only, no log): `status --json` against
 *   `JSON.parse` of the state file, and peak RSS against the file size;
 * - start-up: `status` on a 50-line log against `node -e 0`.
 * Sizes by env var, for quick runs: BENCH_TASKS (log, default 200,000), BENCH_STATE_TASKS (state
 * dir, default 100,000), BENCH_REPEATS (best of, default 3).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { writeLines } from './writeLines';
import * as path from 'node:path';
import type { LifecycleEvent } from '../src/events/codecs';
import { generateRun } from '../test/helpers/runGenerator';
import { mulberry32 } from '../test/helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../test/helpers/tempDir';

const DIST = path.join(__dirname, '..', 'dist');
/** The built CLI, as users run it. */
export const MAIN = path.join(DIST, 'cli', 'main.js');
const lib = require(path.join(DIST, 'index.js')) as typeof import('../src/index');
const { eventsPath } = require(path.join(DIST, 'state', 'layout.js')) as typeof import('../src/state/layout');
const { encodeEvent } = lib;

const FEATURE = 'bench';
const TIME = '/usr/bin/time';

/** The ceiling: read, split and `JSON.parse` every line of the file, nothing else. */
const CEILING_SCRIPT = `const l=require('fs').readFileSync(process.argv[1],'utf8').split('\\n');l.pop();let n=0;for(const s of l)if(JSON.parse(s)!==null)n++;if(n<0)console.log(n)`;
/** The ceiling of a state file: `JSON.parse` of the whole file. */
const PARSE_SCRIPT = `const v=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'));if(v===1)console.log(v)`;

interface Run {
  readonly seconds: number;
  /**
   * CPU time, user + system (s); NaN without /usr/bin/time. On a machine other work keeps busy the
   * wall time of a process stretches with its wait for a core, and its CPU time does not: the two
   * ratios agree on an idle machine, and the CPU one stays readable on a busy one.
   */
  readonly cpuSeconds: number;
  /** Peak resident set size (bytes); NaN without /usr/bin/time. */
  readonly peakRss: number;
}

const hasTime = fs.existsSync(TIME);

/** One process, stdout to /dev/null: its wall time, and its peak RSS from `/usr/bin/time`. */
function runOnce(args: readonly string[]): Run {
  const rssFile = path.join(DIST, `.bench-rss-${process.pid}`);
  const argv = hasTime ? [TIME, '-f', '%U %S %M', '-o', rssFile, process.execPath, ...args] : [process.execPath, ...args];
  const start = process.hrtime.bigint();
  const child = spawnSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed (${child.status}): ${child.stderr.slice(0, 500)}`);
  let peakRss = NaN;
  let cpuSeconds = NaN;
  if (hasTime) {
    const [user, system, rss] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    peakRss = (rss as number) * 1024;
    cpuSeconds = (user as number) + (system as number);
    fs.rmSync(rssFile, { force: true });
  }
  return { seconds, cpuSeconds, peakRss };
}

/** Best times of `repeats` runs (the least disturbed by the rest of the machine), highest RSS. */
function best(repeats: number, args: readonly string[]): Run {
  let seconds = Infinity;
  let cpuSeconds = Infinity;
  let peakRss = 0;
  for (let r = 0; r < repeats; r++) {
    const run = runOnce(args);
    seconds = Math.min(seconds, run.seconds);
    cpuSeconds = Math.min(cpuSeconds, run.cpuSeconds);
    peakRss = Math.max(peakRss, run.peakRss);
  }
  return { seconds, cpuSeconds, peakRss };
}

type Style = 'ours' | 'upstream-order' | 'upstream-python';

/** Upstream's Python stamp of one of ours: `…T08:45:36.320Z` → `…T08:45:36.320000+00:00`. */
const pythonStamp = (ts: string): string => (ts.length === 24 ? `${ts.slice(0, 23)}000+00:00` : `${ts.slice(0, 19)}.000000+00:00`);

/** Python's `json.dumps` separators, `, ` and `: `: for objects of objects and scalars whose strings hold no quote. */
const pythonJson = (value: unknown): string => JSON.stringify(value).replace(/,"/g, ', "').replace(/":/g, '": ');

function lineOf(event: LifecycleEvent, style: Style): string {
  const wire = encodeEvent(event);
  if (style === 'ours') return JSON.stringify(wire);
  // Upstream writes no producer nor seq.
  const { timestamp, type, feature, data } = wire;
  if (style === 'upstream-order') return JSON.stringify({ timestamp, type, feature, data });
  return pythonJson({ timestamp: pythonStamp(timestamp), type, feature, data });
}

/** Consecutive runs of 8 workers and levels of 2,000 tasks, until `tasks` tasks (about 4 events each). */
export function writeLog(file: string, tasks: number, style: Style): number {
  const levels = Math.max(1, Math.round(tasks / 2000));
  const perLevel = Math.max(1, Math.round(tasks / levels));
  // One run, complete (a task failing 4 times in a row stops it: about one chance in 10^8 a task).
  const shape = { workers: 8, tasksPerLevel: Array.from({ length: levels }, () => perLevel), failRate: 0.01, maxRetries: 3, verifyRate: 0, feature: FEATURE, producer: 'orch' };
  return writeLines(file, (function* () {
    for (const e of generateRun(mulberry32(1), shape)) yield `${lineOf(e, style)}\n`;
  })());
}

/** An upstream state file (naive microsecond stamps, snake_case) of `tasks` complete tasks over 8 workers. */
export function writeUpstreamState(file: string, tasks: number): void {
  const t0 = Date.UTC(2026, 0, 27, 8, 45, 34);
  const naive = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000`;
  const perLevel = 2000;
  const entries: string[] = [];
  for (let k = 0; k < tasks; k++) {
    const start = t0 + k * 250;
    entries.push(
      `${JSON.stringify(`T-${String(k + 1).padStart(6, '0')}`)}: ${JSON.stringify({
        status: 'complete',
        worker_id: k % 8,
        claimed_at: naive(start - 10),
        started_at: naive(start),
        completed_at: naive(start + 2000),
        duration_ms: 2000,
        error: null,
        retry_count: 0,
        updated_at: naive(start + 2000),
      })}`,
    );
  }
  const levels: Record<string, unknown> = {};
  for (let l = 1; l <= Math.ceil(tasks / perLevel); l++) levels[l] = { status: 'complete', started_at: naive(t0), completed_at: naive(t0 + tasks * 250), merge_status: 'complete', merge_commit: null };
  const head = { feature: FEATURE, started_at: naive(t0), current_level: Object.keys(levels).length };
  const tail = { levels, execution_log: [], paused: false, error: null, mode: 'subprocess' };
  const text = `${JSON.stringify(head).slice(0, -1)}, "tasks": {${entries.join(', ')}}, ${JSON.stringify(tail).slice(1)}`;
  fs.writeFileSync(file, text);
}

export interface ProcessFigure {
  readonly label: string;
  readonly run: Run;
  readonly ceiling: Run;
  /** Ceiling time / this time: 1 is as fast as the ceiling. */
  readonly ratio: number;
  /** The same, of CPU times. */
  readonly cpuRatio: number;
  readonly goal: number;
}

export interface ProcessBenchFigures {
  readonly tasks: number;
  readonly events: number;
  readonly logBytes: number;
  readonly logs: ReadonlyArray<{ readonly style: Style; readonly ceiling: Run; readonly text: ProcessFigure; readonly json: ProcessFigure }>;
  readonly state: { readonly tasks: number; readonly bytes: number; readonly json: ProcessFigure };
  readonly startup: ProcessFigure;
  /** The machine's 1-minute load average when the benchmark started. */
  readonly loadAverage: number;
}

/** A size from the environment (a positive integer), else `fallback`. */
export const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const figure = (label: string, run: Run, ceiling: Run, goal: number): ProcessFigure => ({ label, run, ceiling, ratio: ceiling.seconds / run.seconds, cpuRatio: ceiling.cpuSeconds / run.cpuSeconds, goal });

export function benchProcesses(): ProcessBenchFigures {
  const tasks = envInt('BENCH_TASKS', 200_000);
  const stateTasks = envInt('BENCH_STATE_TASKS', 100_000);
  const repeats = envInt('BENCH_REPEATS', 3);
  const loadAverage = os.loadavg()[0] ?? NaN;
  const dir = makeTempDir('mahabharatha-bench-process-');
  try {
    const logs = [];
    let events = 0;
    let logBytes = 0;
    for (const style of ['ours', 'upstream-order', 'upstream-python'] as const) {
      const stateDir = path.join(dir, style);
      fs.mkdirSync(stateDir);
      const file = eventsPath(stateDir, FEATURE);
      events = writeLog(file, tasks, style);
      logBytes = Math.max(logBytes, fs.statSync(file).size);
      const status = ['status', '--state-dir', stateDir, '--feature', FEATURE];
      const ceiling = best(repeats, ['-e', CEILING_SCRIPT, file]);
      const text = best(repeats, [MAIN, ...status]);
      const json = best(repeats, [MAIN, ...status, '--json']);
      logs.push({ style, ceiling, text: figure('status', text, ceiling, 0.7), json: figure('status --json', json, ceiling, 0.5) });
      fs.rmSync(file);
    }

    const stateDir = path.join(dir, 'upstream-state');
    fs.mkdirSync(stateDir);
    const stateFile = path.join(stateDir, `${FEATURE}.json`);
    writeUpstreamState(stateFile, stateTasks);
    const stateBytes = fs.statSync(stateFile).size;
    const parse = best(repeats, ['-e', PARSE_SCRIPT, stateFile]);
    const stateJson = best(repeats, [MAIN, 'status', '--state-dir', stateDir, '--feature', FEATURE, '--json']);

    const smallDir = path.join(dir, 'small');
    fs.mkdirSync(smallDir);
    writeLog(eventsPath(smallDir, FEATURE), 12, 'ours');
    const bare = best(repeats * 3, ['-e', '0']);
    const small = best(repeats * 3, [MAIN, 'status', '--state-dir', smallDir, '--feature', FEATURE]);

    return {
      tasks,
      events,
      logBytes,
      logs,
      state: { tasks: stateTasks, bytes: stateBytes, json: figure('status --json', stateJson, parse, 0.3) },
      startup: figure('status, 50-line log', small, bare, 1 / 2.5),
      loadAverage,
    };
  } finally {
    removeTempDir(dir);
  }
}

export function formatProcessFigures(f: ProcessBenchFigures): string {
  const mb = (b: number): string => (Number.isNaN(b) ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
  const s = (r: Run): string => `${r.seconds.toFixed(2)} s (${r.cpuSeconds.toFixed(2)})`;
  const ratios = (p: ProcessFigure): string => `ratio ${p.ratio.toFixed(2)} (CPU ${p.cpuRatio.toFixed(2)}; goal ≥ ${p.goal}: ${met(p.ratio >= p.goal)})`;
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const row = (label: string, value: string, note: string): string => `  ${label.padEnd(52)}  ${value.padStart(20)}  ${note}`;
  const out = [
    `whole processes (best of runs: wall time (CPU time); ratio = ceiling time / time, measured in this run; load average ${f.loadAverage.toFixed(1)} on ${os.cpus().length} cores at the start)`,
  ];
  out.push(`  logs: ${f.tasks.toLocaleString('en-US')} tasks, ${f.events.toLocaleString('en-US')} events, up to ${mb(f.logBytes)}`);
  for (const log of f.logs) {
    out.push(row(`${log.style}: read + split + JSON.parse (ceiling)`, `${s(log.ceiling)} ${mb(log.ceiling.peakRss)}`, ''));
    for (const p of [log.text, log.json]) {
      const rssOk = p.run.peakRss <= p.ceiling.peakRss;
      out.push(
        row(
          `${log.style}: ${p.label}`,
          `${s(p.run)} ${mb(p.run.peakRss)}`,
          `${ratios(p)}; RSS ${(p.run.peakRss / p.ceiling.peakRss).toFixed(2)} × ceiling (goal ≤ 1: ${met(rssOk)})`,
        ),
      );
    }
  }
  const st = f.state.json;
  out.push(`  upstream state dir: ${f.state.tasks.toLocaleString('en-US')} tasks, state file ${mb(f.state.bytes)}, no log`);
  out.push(row(`JSON.parse of the state file (ceiling)`, `${s(st.ceiling)} ${mb(st.ceiling.peakRss)}`, ''));
  out.push(
    row(
      `status --json`,
      `${s(st.run)} ${mb(st.run.peakRss)}`,
      `${ratios(st)}; RSS ${(st.run.peakRss / f.state.bytes).toFixed(2)} × file (goal ≤ 3: ${met(st.run.peakRss <= 3 * f.state.bytes)})`,
    ),
  );
  const su = f.startup;
  out.push(row(`start-up: node -e 0`, s(su.ceiling), ''));
  out.push(row(`start-up: ${su.label}`, s(su.run), `${(1 / su.ratio).toFixed(2)} × node -e 0 (CPU ${(1 / su.cpuRatio).toFixed(2)}; goal ≤ 2.5: ${met(1 / su.ratio <= 2.5)})`));
  return out.join('\n');
}

if (require.main === module) console.log(formatProcessFigures(benchProcesses()));
