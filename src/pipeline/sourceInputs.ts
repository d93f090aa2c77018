/**
 * The processor's inputs: each source it reads, as batches of pipeline inputs, merged. Every
 * source emits batches (per-input emissions through the pipeline would cost more than the inputs).
 * A source that fails is warned about and ends; the first failure is kept for `ready` to report.
 */
import { asapScheduler, catchError, EMPTY, map, merge, type Observable, observeOn, takeUntil, tap } from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';
import { readLine } from '../events/fastDecode';
import { MAX_AHEAD_MS } from '../events/range';
import { levelsOf } from '../graph/levels';
import { readTaskGraph } from '../graph/readGraph';
import { brokerEventBatches } from '../sources/brokerEvents';
import { fromStateItem, fromTailItem, madeEvent, type SourceInput } from '../sources/inputs';
import { tailJsonlBatches } from '../sources/jsonlTailer';
import type { LineDecoder } from '../sources/lineReader';
import { stateSnapshotBatches } from '../sources/stateSnapshots';
import { eventsPath, statePath, upstreamGraphPath } from '../state/layout';
import { admittedInputs, FirstSource } from './firstSource';
import { holdUntil } from './holdUntil';
import type { InputMode } from './preferredInput';
import { decodeOptionsOf, type MetricsProcessorOptions, type Sources } from './processorOptions';
import type { StartingPoint } from './startingPoint';
import { describeError, type Warner } from './warnings';

/** The sources actually read: one ruled out by the input mode is not even opened. */
export type SourcePlan = Sources;

export function planSources(sources: Sources, mode: InputMode): SourcePlan {
  return { ...sources, log: mode === 'state' ? null : sources.log, stateFile: mode === 'log' ? null : sources.stateFile };
}

/** How many sources replay what exists before the run is live. */
export const replaysOf = (plan: SourcePlan): number => (plan.log ? 1 : 0) + (plan.stateFile ? 1 : 0) + (plan.broker ? 1 : 0);

export interface SourceContext {
  readonly options: MetricsProcessorOptions;
  readonly start: StartingPoint;
  /** Ends every following source. */
  readonly stop$: Observable<void>;
  /** Emits once the events log has been replayed: in-process events wait for it. */
  readonly logReplayed$: Observable<void>;
  readonly warner: Warner;
}

export interface SourceInputs {
  readonly batches$: Observable<SourceInput[]>;
  /** The first error a source ended with, or null. */
  failure(): unknown;
}

/**
 * Lines as we and upstream write them are read in place, in the tailer, and become events without
 * `JSON.parse` (`readLine`); with `producer`+`seq`, without a string of the line ever made. An
 * event without them keeps its line's hash (`keepLine`): the dedupe recognises such an event by its line.
 */
const keepLine = (event: LifecycleEvent): boolean => event.producer === undefined || event.seq === undefined;

/**
 * `readLine`, but for a line stamped more than a day ahead of the clock: that one is left to the
 * string path, since it will be rejected (`flagFutureTimestamps`) and quarantined with its text,
 * which only a string of the line carries. The clock is read again only for an event that looks
 * that far ahead of the last reading.
 */
function readLineUnlessFarAhead(now: () => number): LineDecoder {
  let clock = -Infinity;
  return (b, start, end) => {
    const event = readLine(b, start, end);
    if (event === undefined || event.ts <= clock + MAX_AHEAD_MS) return event;
    clock = now();
    return event.ts <= clock + MAX_AHEAD_MS ? event : undefined;
  };
}

export function sourceInputs(plan: SourcePlan, context: SourceContext): SourceInputs {
  let failure: unknown = null;
  const failed = (what: string) => (err: unknown) => {
    failure ??= err;
    context.warner.warn(`cannot read ${what}: ${describeError(err)}`);
    return EMPTY;
  };
  const arbiter = new FirstSource(context.start.mode);
  const batches$ = merge(logInputs(plan, context, arbiter, failed), inProcessInputs(plan, context), stateFileInputs(plan, context, arbiter, failed), brokerInputs(plan, context, failed));
  return { batches$, failure: () => failure };
}

type OnFailure = (what: string) => (err: unknown) => Observable<never>;

const pollOptions = (options: MetricsProcessorOptions) => (options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {});

function logInputs(plan: SourcePlan, { options, start, stop$ }: SourceContext, arbiter: FirstSource, failed: OnFailure): Observable<SourceInput[]> {
  if (!plan.log) return EMPTY;
  const file = eventsPath(options.stateDir, options.feature);
  const fromOffset = start.restored?.eventsOffset ?? 0;
  return tailJsonlBatches(file, { fromOffset, follow: plan.log.follow, stop: stop$, decode: readLineUnlessFarAhead(options.now ?? Date.now), keepLine, ...pollOptions(options) }).pipe(
    admittedInputs('log', fromTailItem, arbiter),
    catchError(failed(file)),
  );
}

function inProcessInputs(plan: SourcePlan, { stop$, logReplayed$ }: SourceContext): Observable<SourceInput[]> {
  if (!plan.inProcess) return EMPTY;
  return plan.inProcess.events$.pipe(
    map(({ event, offset, streamId }): SourceInput[] => [madeEvent(event, 'in_process', { ...(offset !== undefined ? { offset } : {}), ...(streamId !== undefined ? { streamId } : {}) })]),
    takeUntil(stop$),
    // In-process events follow the replay of the log (and are deduped against it); released
    // after the batch that ended the replay has been folded.
    plan.log ? holdUntil(logReplayed$.pipe(observeOn(asapScheduler))) : (s) => s,
  );
}

function stateFileInputs(plan: SourcePlan, { options, stop$, warner }: SourceContext, arbiter: FirstSource, failed: OnFailure): Observable<SourceInput[]> {
  if (!plan.stateFile) return EMPTY;
  const { stateDir, feature } = options;
  const file = statePath(stateDir, feature);
  // Upstream state files do not record task levels: the feature's task graph gives them.
  const graph = readTaskGraph(upstreamGraphPath(stateDir, feature));
  if (graph.warning) warner.warn(graph.warning);
  const levelOf = levelsOf(graph.graph);
  return stateSnapshotBatches(file, {
    ...decodeOptionsOf(options),
    ...pollOptions(options),
    ...(levelOf ? { levelOf } : {}),
    // Read by the caller already: decoded once.
    ...(options.stateFileRead ? { firstRead: options.stateFileRead } : {}),
    follow: plan.stateFile.follow,
    stop: stop$,
  }).pipe(
    tap((items) => {
      for (const item of items) if (item.kind === 'unreadable') warner.warn(`state file ${file} skipped: ${item.reason}`);
    }),
    admittedInputs('state', fromStateItem, arbiter),
    catchError(failed(file)),
  );
}

function brokerInputs(plan: SourcePlan, { options, start, stop$, warner }: SourceContext, failed: OnFailure): Observable<SourceInput[]> {
  if (!plan.broker) return EMPTY;
  return brokerEventBatches({
    url: plan.broker.url,
    feature: options.feature,
    after: start.restored?.streamId ?? '0',
    follow: plan.broker.follow,
    stop: stop$,
    onStatus: (m) => warner.warn(m),
    ...decodeOptionsOf(options),
  }).pipe(catchError(failed(`the broker ${plan.broker.url.text}`)));
}
