/**
 * `mahabharatha demo`: runs the bundled demo graph (the seed's own plan, 8 tasks over 4 levels)
 * in a new temporary directory, and shows it: the live dashboard on a terminal, else the progress
 * lines and then the one-shot status.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Observable } from 'rxjs';
import type { RunSnapshot } from '../metrics/snapshot';
import { FeatureMetrics } from '../metrics/types';
import { DEMO_GRAPH } from '../orchestrator/demo';
import { parseGraph } from '../orchestrator/readGraph';
import type { Rush, RushResult } from '../orchestrator/rush';
import { exitCodeOf, runUntilDone, withStopSignals } from './rush';
import type { DemoOptions, StatusOptions } from './main';

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

  const dashboard = wantsDashboard() ? loadDashboard() : null;
  const options = { graph: graph.right, cwd: runDir, workers: opts.workers, retries: 2, stateDir };
  let result: RushResult;
  if (dashboard) {
    let live: Promise<void> = Promise.resolve();
    result = await withStopSignals((onStarted) =>
      runUntilDone(options, (rush) => {
        onStarted(rush);
        live = showLive(dashboard, rush);
      }),
    );
    // The dashboard stays up on the finished run until the user quits it.
    await live;
  } else {
    process.stdout.write(`demo: ${graph.right.tasks.length} tasks in ${graph.right.levels.length} levels on ${opts.workers} workers, in ${runDir}\n`);
    result = await withStopSignals((onStarted) => runUntilDone({ ...options, progress: (line) => process.stdout.write(`${line}\n`) }, onStarted));
  }

  process.stdout.write('\n');
  await printFinalStatus(feature, stateDir, result, dashboard !== null && !process.env.NO_COLOR);
  process.stdout.write(`\nstate: ${stateDir}\nlook again: mahabharatha status --state-dir ${stateDir}   (live: add --watch)\n`);
  return exitCodeOf(result);
}

/** The dashboard needs a real terminal. */
const wantsDashboard = (): boolean => process.stdout.isTTY === true && process.env.TERM !== 'dumb';

interface DashboardModule {
  openDashboard(options: { snapshot$: Observable<RunSnapshot>; now: () => number; stallAfterMs: number; color: boolean; intervalMs: number }): Promise<void>;
}

/** The dashboard module, loaded only on this path (blessed is heavy); null when it is not built. */
function loadDashboard(): DashboardModule | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('../views/dashboard') as DashboardModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/** Shows the run live; quitting the dashboard before the run ends stops the run. */
async function showLive(dashboard: DashboardModule, rush: Rush): Promise<void> {
  await dashboard.openDashboard({
    snapshot$: rush.processor.snapshot$,
    now: Date.now,
    stallAfterMs: STALL_AFTER_MS,
    color: !process.env.NO_COLOR,
    intervalMs: DASHBOARD_INTERVAL_MS,
  });
  rush.stop('SIGINT');
}

interface StatusModule {
  statusTextCommand(opts: StatusOptions): Promise<number>;
}

/** The one-shot status of the finished run; the metrics JSON when the text printer is not built. */
async function printFinalStatus(feature: string, stateDir: string, result: RushResult, color: boolean): Promise<void> {
  let status: StatusModule | null = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    status = require('./statusText') as StatusModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  if (status) {
    await status.statusTextCommand({ feature, stateDir, color });
    return;
  }
  process.stdout.write(`${JSON.stringify({ feature, status: result.snapshot.status, metrics: FeatureMetrics.encode(result.snapshot.metrics) }, null, 2)}\n`);
}
