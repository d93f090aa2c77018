/**
 * `mahabharatha status --watch`: the live dashboard over a feature's events log (followed) and
 * state file. Needs a terminal; the one-shot `status` and `status --json` are the way to read a
 * run from a pipe or a script. This module is loaded only for `--watch`; blessed comes after the
 * checks, so a missing terminal is said before a missing package.
 */
import * as path from 'node:path';
import { Subject } from 'rxjs';
import { printable } from '../events/printable';
import { DEFAULT_STALL_AFTER_MS } from '../metrics/runFacts';
import type { RunSnapshot } from '../metrics/snapshot';
import { createMetricsProcessor } from '../pipeline/processor';
import { RateLimitedWarner } from '../pipeline/warnings';
import { readTaskGraph } from '../graph/readGraph';
import { DEFAULT_STATE_DIR, detectFeature, listFeatures, upstreamGraphPath } from '../state/layout';
import { runOrchestratorGone } from '../state/runLock';
import { EXIT, RuntimeError, UsageError } from './exit';
import { loadDashboard } from './loadDashboard';
import type { StatusOptions } from './options';
import { attemptTails } from './attemptTails';
import { wantsColor } from './colorChoice';
import { checkNaiveTz } from './readRun';
import { brokerOption, resolveFeature } from './resolveFeature';

/** Warnings printed once the terminal is back (the dashboard owns it until then). */
const MAX_DEFERRED_WARNINGS = 10;

const DEFAULT_INTERVAL_MS = 200;

/** What the command reads from its process; tests pass their own. */
export interface WatchEnvironment {
  readonly stdout: { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

const processEnvironment = (): WatchEnvironment => ({ stdout: process.stdout, env: process.env });

/** Why the dashboard cannot start here, or null when it can. */
export function terminalProblem(environment: WatchEnvironment): string | null {
  if (environment.stdout.isTTY !== true) return 'stdout is not a terminal';
  if (environment.env.TERM === 'dumb') return 'TERM=dumb cannot draw it';
  return null;
}

/**
 * The feature to watch: `--feature`, else `MAHABHARATHA_FEATURE`, else the newest run in the state
 * dir; a blank name counts as none and a name is trimmed, as `status` reads them. A feature with
 * no run yet is fine: the dashboard waits for its events.
 */
export function featureToWatch(asked: string | undefined, stateDir: string, env: NodeJS.ProcessEnv): string {
  const feature = asked?.trim() || detectFeature(stateDir, env);
  if (feature !== undefined) return feature;
  const known = listFeatures(stateDir);
  throw new RuntimeError(
    known.length === 0
      ? `no feature found in ${path.resolve(stateDir)}; start a run, or name one with --feature (the dashboard then waits for its events)`
      : `no feature given; known: ${known.map((f) => f.feature).join(', ')}`,
  );
}

/** Asks the run lock at most once a second (the dashboard asks every frame). */
function orchestratorWatch(stateDir: string, feature: string, stallAfterMs: number): (snapshot: RunSnapshot, now: number) => boolean {
  let asked = { at: -Infinity, snapshot: null as RunSnapshot | null, gone: false };
  return (snapshot, now) => {
    if (snapshot !== asked.snapshot || now - asked.at >= 1000) {
      asked = { at: now, snapshot, gone: runOrchestratorGone(stateDir, feature, snapshot, now, stallAfterMs) };
    }
    return asked.gone;
  };
}

export async function watchCommand(opts: StatusOptions, environment: WatchEnvironment = processEnvironment()): Promise<number> {
  const problem = terminalProblem(environment);
  if (problem) {
    throw new UsageError(`status --watch needs a terminal (${problem}); use \`mahabharatha status\` for a report or \`mahabharatha status --json\` for a script`);
  }
  checkNaiveTz(opts.naiveTz);
  if (opts.level !== undefined) throw new UsageError('--level is for the one-shot status; the dashboard shows every level');

  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const broker = brokerOption(opts.broker, environment.env);
  const feature = broker ? resolveFeature(opts, environment.env).feature : featureToWatch(opts.feature, stateDir, environment.env);
  const stallAfterMs = opts.stallAfter !== undefined ? opts.stallAfter * 1000 : DEFAULT_STALL_AFTER_MS;
  const { openDashboard } = await loadDashboard();

  // stderr is the dashboard's terminal too: warnings go to its events log while it is open and
  // are printed after it closed.
  const notices$ = new Subject<string>();
  const deferred: string[] = [];
  const warner = new RateLimitedWarner((line) => {
    deferred.push(line);
    if (deferred.length > MAX_DEFERRED_WARNINGS) deferred.shift();
    notices$.next(line);
  });
  const processor = createMetricsProcessor({
    feature,
    stateDir,
    // From a broker: the stream from its start (a watcher keeps no position; see loadBrokerRun).
    sources: broker ? { broker: { url: broker, follow: true } } : { eventsLog: { follow: true }, stateFile: true },
    persist: false,
    onWarning: (message) => warner.warn(message),
    ...(opts.naiveTz !== undefined ? { naiveTz: opts.naiveTz } : {}),
  });

  // A signal closes the dashboard like a key would, so the terminal is restored first.
  const stop = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    stop.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  try {
    await openDashboard({
      snapshot$: processor.snapshot$,
      feature,
      now: Date.now,
      stallAfterMs,
      orchestratorGone: orchestratorWatch(stateDir, feature, stallAfterMs),
      // Not wanted: the monochrome theme.
      color: wantsColor(opts, environment.env),
      intervalMs: opts.interval ?? DEFAULT_INTERVAL_MS,
      signal: stop.signal,
      notices$,
      // Read once: a graph is written before its run starts. One that cannot be read is left out
      // (the processor says why, when it folds the state file beside it).
      graph: broker ? null : readTaskGraph(upstreamGraphPath(stateDir, feature)).graph,
      taskLogs: (taskId, attempts) => attemptTails(stateDir, taskId, attempts),
    });
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
    notices$.complete();
    await processor.close();
    for (const line of deferred) process.stderr.write(`mahabharatha: ${printable(line)}\n`);
  }
  if (signalled === 'SIGINT') return EXIT.sigint;
  if (signalled === 'SIGTERM') return EXIT.sigterm;
  return EXIT.ok;
}
