/**
 * `mahabharatha rush --graph FILE` (alias `kurukshetra`): run a task graph on worker processes,
 * printing one line per level and task outcome. Exit 0 when every task completed, 1 when a task
 * failed for good (or the graph is invalid), 130/143 when stopped by SIGINT/SIGTERM.
 */
import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { readGraph } from '../graph/readGraph';
import { Rush, RushResult, startRush } from '../orchestrator/rush';
import { RushRefused } from '../orchestrator/runDir';
import { DEFAULT_STATE_DIR, isDirectory, statePath } from '../state/layout';
import { openRunLink } from '../broker/runLink';
import type { BrokerUrl } from '../broker/url';
import { printable } from '../events/printable';
import type { WorkQueue } from '../orchestrator/workQueue';
import { storedCheckpoint } from '../pipeline/preferredInput';
import { readStateFile } from '../state/stateManager';
import { brokerOption } from './resolveFeature';
import { EXIT, RuntimeError, UsageError } from './exit';
import { writeLine } from './terminal';
import { capWorkers } from './workerCount';
import type { Subscription } from 'rxjs';
import type { RunSnapshot } from '../metrics/snapshot';
import { runRegistry } from '../views/prometheus';
import { checkPort, DEFAULT_HOST, startMetricsServer } from './metricsServer';
import type { RushOptions } from './options';

export async function rushCommand(opts: RushOptions): Promise<number> {
  if (!opts.graph) throw new UsageError('rush needs --graph FILE (a task-graph.json)');
  // Task commands run where rush was started (DESIGN §5), never in the graph file's folder.
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  if (!isDirectory(cwd)) throw new UsageError(`--cwd ${opts.cwd ?? cwd}: not a directory`);
  const broker = brokerOption(opts.broker, process.env);
  if (broker === null && opts.workers === 0) throw new UsageError('--workers 0 needs a broker (--broker redis://HOST:PORT), for workers that join from elsewhere');
  const graphFile = path.resolve(opts.graph);
  const graph = readGraph(graphFile, opts.feature === undefined ? {} : { feature: opts.feature });
  if (E.isLeft(graph)) throw new RuntimeError(graph.left.replace(graphFile, opts.graph));
  const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
  const workers = capWorkers(opts.workers, graph.right, (line) => writeLine(process.stdout, line));
  // Listening first: a port in use stops the run before any worker starts.
  const metrics = opts.metricsPort === undefined ? null : await serveRunMetrics(graph.right.feature, opts.metricsPort, opts.host ?? DEFAULT_HOST);

  const result = await withStopSignals((onStarted) =>
    runUntilDone(
      {
        graph: graph.right,
        cwd,
        workers,
        retries: opts.retries,
        stateDir,
        resume: opts.resume === true,
        progress: (line) => writeLine(process.stdout, line),
        ...(broker ? { workQueue: brokerQueue(broker, { ...opts, workers, feature: graph.right.feature, stateDir, cwd }) } : {}),
      },
      (rush) => {
        metrics?.follow(rush);
        onStarted(rush);
      },
    ),
  ).finally(() => metrics?.close());
  const again = ['--graph', opts.graph, ...(opts.stateDir ? ['--state-dir', opts.stateDir] : []), ...(opts.feature ? ['--feature', opts.feature] : []), '--resume'];
  if (result.status === 'fault') {
    // One line (DESIGN §8): what failed, what was kept, what to do.
    throw new RuntimeError(`${result.error}; the run is stopped and its last good state kept; free some space, then continue with: mahabharatha rush ${again.map(quote).join(' ')}`);
  }
  if (result.status === 'stopped') {
    writeLine(process.stdout, `continue with: mahabharatha rush ${again.map(quote).join(' ')}`);
  }
  if (result.status === 'nothing_to_do') writeLine(process.stdout, `nothing to resume: every task of ${graph.right.feature} is complete`);
  return exitCodeOf(result);
}

/** The run's work queue on a broker; a broker that cannot be reached refuses the run, in one line. */
function brokerQueue(url: BrokerUrl, opts: { feature: string; stateDir: string; cwd: string; workers: number; resume?: boolean; claimTimeout: number }) {
  return async (producer: string): Promise<WorkQueue> => {
    // A resumed run reads the workers' events after the last one its checkpoint holds.
    const stored = opts.resume ? readStateFile(statePath(opts.stateDir, opts.feature)) : null;
    const checkpoint = stored !== null && E.isRight(stored) ? storedCheckpoint(stored.right) : null;
    const after = (checkpoint as { streamId?: unknown } | null)?.streamId;
    try {
      return await openRunLink({
        url,
        feature: opts.feature,
        producer,
        resume: opts.resume === true,
        after: typeof after === 'string' ? after : null,
        localWorkers: opts.workers,
        cwd: opts.cwd,
        claimTimeoutMs: opts.claimTimeout * 1000,
        say: (line) => process.stderr.write(`mahabharatha: ${printable(line)}\n`),
      });
    } catch (err) {
      throw new RushRefused((err as Error).message);
    }
  };
}

/** The run's metrics for Prometheus while it runs (`--metrics-port`), from the run's own snapshots. */
async function serveRunMetrics(feature: string, port: number, host: string): Promise<{ follow(rush: Rush): void; close(): Promise<void> }> {
  checkPort(port, '--metrics-port');
  let latest: RunSnapshot | null = null;
  let subscription: Subscription | null = null;
  const server = await startMetricsServer(runRegistry(() => ({ snapshot: latest, feature, graph: null, now: Date.now() })), host, port);
  writeLine(process.stdout, `metrics on ${server.url}`);
  return {
    follow: (rush) => {
      subscription = rush.processor.snapshot$.subscribe((s) => (latest = s));
    },
    close: async () => {
      subscription?.unsubscribe();
      await server.close();
    },
  };
}

export async function runUntilDone(options: Parameters<typeof startRush>[0], onStarted: (rush: Rush) => void): Promise<RushResult> {
  let rush: Rush;
  try {
    rush = await startRush(options);
  } catch (err) {
    if (err instanceof RushRefused) throw new RuntimeError(err.message);
    throw err;
  }
  onStarted(rush);
  return rush.done;
}

/**
 * Runs `task` with SIGINT/SIGTERM turned into an orderly stop of the run (a signal that arrives
 * while the run is still starting is applied as soon as it has started).
 */
export async function withStopSignals<T>(task: (onStarted: (rush: Rush) => void) => Promise<T>): Promise<T> {
  let rush: Rush | null = null;
  let pending: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (rush) rush.stop(signal);
    else pending = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await task((started) => {
      rush = started;
      if (pending) started.stop(pending);
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function exitCodeOf(result: RushResult): number {
  switch (result.status) {
    case 'complete':
    case 'nothing_to_do':
      return EXIT.ok;
    case 'failed':
    case 'fault':
      return EXIT.runtime;
    case 'stopped':
      return result.signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
  }
}

/** A shell word as typed: quoted only when it has to be. */
const quote = (s: string): string => (/^[\w./@:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
