/**
 * `mahabharatha demo`: runs the bundled demo graph (the seed's own plan, 8 tasks over 4 levels)
 * in a new temporary directory, and shows it: the live dashboard on a terminal, else the progress
 * lines and then the one-shot status.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_GRAPH } from '../orchestrator/demo';
import { graphSize, onWorkers } from '../orchestrator/progress';
import { parseGraph } from '../graph/parseGraph';
import type { Observable } from 'rxjs';
import type { RunSnapshot } from '../metrics/snapshot';
import type { Rush, RushResult } from '../orchestrator/rush';
import type { DemoOptions } from './options';
import { RuntimeError } from './exit';
import { loadDashboard } from './loadDashboard';
import { writeLine, writeRaw } from './terminal';
import { capWorkers } from './workerCount';
import { attemptTails } from './attemptTails';
import { wantsColor } from './colorChoice';

/** A busy worker silent this long is flagged as stalled on the dashboard. */
const STALL_AFTER_MS = 15_000;
const DASHBOARD_INTERVAL_MS = 250;

export async function demoCommand(opts: DemoOptions): Promise<number> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mahabharatha-demo-'));
  const stateDir = path.resolve(opts.stateDir ?? path.join(runDir, '.mahabharatha', 'state'));
  const graphFile = path.join(runDir, 'task-graph.json');
  const text = `${JSON.stringify(DEMO_GRAPH, null, 2)}\n`;
  fs.writeFileSync(graphFile, text);
  const graph = parseGraph(text, graphFile);
  // The bundled graph is ours: if it does not validate, that is a bug, not a user mistake.
  if (E.isLeft(graph)) throw new Error(`the bundled demo graph is invalid: ${graph.left}`);
  const feature = graph.right.feature;

  const workers = capWorkers(opts.workers, graph.right, (line) => writeLine(process.stderr, line));
  // Said first (before blessed loads), on a terminal too: it is there again above the final
  // status once the dashboard closes.
  writeLine(process.stdout, `demo: ${graphSize(graph.right.tasks.length, graph.right.levels.length)} ${onWorkers(workers)}, in ${runDir}`);
  // The orchestrator, RxJS and the printer are loaded after that line: they take most of a second.
  const [{ exitCodeOf, runUntilDone, withStopSignals }, { statusTextCommand }, { ReplaySubject, switchAll }] = await Promise.all([
    import('./rush'),
    import('./statusText'),
    import('rxjs'),
  ]);
  const dashboard = wantsDashboard() ? await dashboardIfInstalled() : null;
  const color = wantsColor({ color: true }, process.env);
  const options = { graph: graph.right, cwd: runDir, workers, retries: 2, stateDir };
  let result: RushResult;
  const live = dashboard !== null;
  if (dashboard !== null) {
    const { openDashboard } = dashboard;
    const close = new AbortController();
    // The dashboard opens at once, waiting for the run (starting its workers takes a few seconds),
    // and follows the run's snapshots once it has started.
    const runs$ = new ReplaySubject<Observable<RunSnapshot>>(1);
    let started: Rush | null = null;
    let quit = false;
    const shown = openDashboard({
      snapshot$: runs$.pipe(switchAll()),
      feature,
      now: Date.now,
      stallAfterMs: STALL_AFTER_MS,
      color,
      intervalMs: DASHBOARD_INTERVAL_MS,
      signal: close.signal,
      taskLogs: (taskId, attempts) => attemptTails(stateDir, taskId, attempts),
    }).then(() => {
      // Quitting before the end stops the run (or, before it has started, stops it as it starts).
      quit = true;
      started?.stop('SIGINT');
    });
    try {
      result = await withStopSignals((onStarted) =>
        runUntilDone(options, (rush) => {
          onStarted(rush);
          started = rush;
          runs$.next(rush.processor.snapshot$);
          if (quit) rush.stop('SIGINT');
        }),
      );
    } catch (err) {
      // The run could not start: the terminal is given back before the error is told.
      close.abort();
      await shown;
      throw err;
    }
    // A finished run stays on screen until the user quits; a run stopped by a signal closes it.
    if (result.status === 'stopped') close.abort();
    await shown;
  } else {
    result = await withStopSignals((onStarted) => runUntilDone({ ...options, progress: (line) => writeLine(process.stdout, line) }, onStarted));
  }

  writeRaw(process.stdout, '\n');
  await statusTextCommand({ feature, stateDir, color: live && color });
  writeLine(process.stdout, `\nstate: ${stateDir}\nlook again: ${lookAgainCommand(stateDir)}   (live: add --watch)`);
  return exitCodeOf(result);
}

/**
 * The dashboard module (loaded only on this path: blessed is heavy), or null when its optional
 * packages are not installed: the demo then prints its progress lines, after saying so.
 */
async function dashboardIfInstalled(): Promise<typeof import('../views/dashboard') | null> {
  try {
    return await loadDashboard();
  } catch (err) {
    if (!(err instanceof RuntimeError)) throw err;
    process.stderr.write(`mahabharatha: ${err.message}\n`);
    return null;
  }
}

/** A word as a POSIX shell reads it: quoted when it holds anything but safe characters. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The command that shows the demo's run again, from any directory: this very CLI by its absolute
 * path (`npx mahabharatha` finds the package only inside it, and asks the registry elsewhere).
 */
export const lookAgainCommand = (stateDir: string): string =>
  ['node', path.resolve(__dirname, 'main.js'), 'status', '--state-dir', stateDir].map(shellWord).join(' ');

/** The dashboard needs a real terminal. */
const wantsDashboard = (): boolean => process.stdout.isTTY === true && process.env.TERM !== 'dumb';
