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
import { parseGraph } from '../orchestrator/readGraph';
import type { RushResult } from '../orchestrator/rush';
import type { DemoOptions } from './main';
import { capWorkers, exitCodeOf, runUntilDone, withStopSignals } from './rush';
import { statusTextCommand, wantsColor } from './statusText';
import { writeLine, writeRaw } from './terminal';

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

  const live = wantsDashboard();
  const color = wantsColor({ color: true }, process.env);
  const workers = capWorkers(opts.workers, graph.right, (line) => writeLine(process.stderr, line));
  const options = { graph: graph.right, cwd: runDir, workers, retries: 2, stateDir };
  let result: RushResult;
  if (live) {
    // Loaded only on this path: blessed is heavy.
    const { openDashboard } = await import('../views/dashboard');
    const close = new AbortController();
    let shown: Promise<void> = Promise.resolve();
    result = await withStopSignals((onStarted) =>
      runUntilDone(options, (rush) => {
        onStarted(rush);
        shown = openDashboard({
          snapshot$: rush.processor.snapshot$,
          now: Date.now,
          stallAfterMs: STALL_AFTER_MS,
          color,
          intervalMs: DASHBOARD_INTERVAL_MS,
          signal: close.signal,
        }).then(() => rush.stop('SIGINT')); // quitting before the end stops the run
      }),
    );
    // A finished run stays on screen until the user quits; a run stopped by a signal closes it.
    if (result.status === 'stopped') close.abort();
    await shown;
  } else {
    writeLine(process.stdout, `demo: ${graph.right.tasks.length} tasks in ${graph.right.levels.length} levels on ${workers} workers, in ${runDir}`);
    result = await withStopSignals((onStarted) => runUntilDone({ ...options, progress: (line) => writeLine(process.stdout, line) }, onStarted));
  }

  writeRaw(process.stdout, '\n');
  await statusTextCommand({ feature, stateDir, color: live && color });
  writeLine(process.stdout, `\nstate: ${stateDir}\nlook again: npx mahabharatha status --state-dir ${stateDir}   (live: add --watch)`);
  return exitCodeOf(result);
}

/** The dashboard needs a real terminal. */
const wantsDashboard = (): boolean => process.stdout.isTTY === true && process.env.TERM !== 'dumb';
