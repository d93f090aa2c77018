/**
 * `createMetricsProcessor`: sources → merge → decode → dedupe → scan(reduce) → one multicast,
 * read by every sink (DESIGN §2). Persistence, snapshots and the public streams all read the same
 * multicast state; nothing computes metrics a second way.
 *
 * In persist mode this process owns `{feature}.json`: it restores the checkpoint stored there,
 * replays only the events log after the checkpoint's offset, writes the state throttled
 * (`persistThrottled`), at once on `level_complete`, and on `flush()`/`close()`. A corrupt state file
 * is set aside by the StateManager and the run is rebuilt from the log (`state_recoveries`).
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import {
  concat,
  EMPTY,
  filter,
  from,
  map,
  merge,
  Observable,
  ReplaySubject,
  shareReplay,
  Subject,
  asapScheduler,
  observeOn,
  type Subscription,
  takeUntil,
  tap,
  catchError,
} from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';
import { readLine } from '../events/fastDecode';
import { checkpointOf, createRunState, restoreRunState, snapshotOf, type RunState } from '../metrics/reducer';
import type { IngestCounters, RunSnapshot } from '../metrics/snapshot';
import type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from '../metrics/types';
import type { OrchestratorEvents } from '../sources/inProcess';
import { brokerEventBatches } from '../sources/brokerEvents';
import { parseBrokerUrl, type BrokerUrl } from '../broker/url';
import { tailJsonlBatches } from '../sources/jsonlTailer';
import { stateSnapshotBatches } from '../sources/stateSnapshots';
import type { StateFile } from '../state/codecs';
import { applySnapshot } from '../state/fromSnapshot';
import { eventsPath, isDirectory, listFeatures, noStateDirMessage, rejectedPath, statePath, unknownFeatureMessage, upstreamGraphPath } from '../state/layout';
import { CorruptStateError, readStateFile, StateManager } from '../state/stateManager';
import { accumulateMetrics, type RunCursor } from './accumulateMetrics';
import { decodeInputs } from './decodeInputs';
import { dedupeEvents } from './dedupeEvents';
import { flagFutureTimestamps } from './flagFutureTimestamps';
import { holdUntil } from './holdUntil';
import { fromStateItem, fromTailItem, madeEvent, type CaughtUpInput, type FoldInput, type LineInput, type RejectedInput, type SourceInput } from '../sources/inputs';
import { persistThrottled } from './persistThrottled';
import { preferredInput, storedCheckpoint, type InputMode } from './preferredInput';
import { RejectedLinesWriter } from './rejectedLines';
import { DEFAULT_SNAPSHOT_INTERVAL_MS, sampleSnapshots } from './sampleSnapshots';
import { levelsOf } from '../graph/levels';
import { readTaskGraph } from '../graph/readGraph';
import { describeError, stderrWarner, type Warner } from './warnings';

/** How the warning about a line that could not be used begins (a report lists these under their count). */
export const BAD_LINE_WARNING = 'skipped a bad line';

export interface MetricsProcessorOptions {
  readonly feature: string;
  readonly stateDir: string;
  readonly sources?: {
    /** The orchestrator's emitter. */
    readonly inProcess?: OrchestratorEvents;
    /** Read `{feature}-events.jsonl` (`follow`: keep tailing it). Default when no source is given: follow. */
    readonly eventsLog?: boolean | { readonly follow: boolean };
    /** Derive events from snapshots of the state file (orchestrators that write only that). */
    readonly stateFile?: boolean;
    /**
     * The feature's events stream on a broker (`redis://HOST:PORT[/DB]`), read after the stored
     * checkpoint's stream id (from its start without one); `follow` (default true) keeps reading.
     */
    readonly broker?: { readonly url: string | BrokerUrl; readonly follow?: boolean };
  };
  /** This process owns `{feature}.json`: restore its checkpoint, write it (throttled, atomic). */
  readonly persist?: boolean;
  /** Default 1000. */
  readonly persistIntervalMs?: number;
  /** Injected clock (default `Date.now`). */
  readonly now?: () => number;
  /** Zone of naive timestamps (upstream state files). */
  readonly naiveTz?: string;
  /** Snapshots sent to sinks at most once per this many ms (default 100). */
  readonly snapshotIntervalMs?: number;
  /** Poll fallback of the file watchers (ms). */
  readonly pollIntervalMs?: number;
  /** Where warnings go (default: stderr, at most one per 5 s). */
  readonly onWarning?: (message: string) => void;
  /** Size cap of `{feature}.rejected.jsonl` (default 10 MB). */
  readonly rejectedCapBytes?: number;
  /**
   * Told of each failed state write; returning true means the caller deals with it (no warning:
   * `rush` stops on a full disk instead of retrying).
   */
  readonly onWriteError?: (error: unknown) => boolean;
  /** `{feature}.json` as the caller has just read it, so that it is not read again (a large one takes a while). */
  readonly stateFileRead?: StateFile;
  /**
   * Fold the whole history instead of starting from the checkpoint stored in the state file, so
   * that `events$` (and every stream) sees every event of the run. Default false: a processor
   * restores the checkpoint and its streams carry only what comes after it.
   */
  readonly replay?: boolean;
}

export interface MetricsProcessor {
  /** Throttled snapshots (≤ ~10/s) and one when the streams end; late subscribers get the latest. */
  readonly snapshot$: Observable<RunSnapshot>;
  readonly feature$: Observable<FeatureMetrics>;
  readonly levels$: Observable<readonly LevelMetrics[]>;
  readonly workers$: Observable<readonly WorkerMetrics[]>;
  readonly tasks$: Observable<readonly TaskMetrics[]>;
  /** Each event folded in (after dedupe); late subscribers get the latest. */
  readonly events$: Observable<LifecycleEvent>;
  readonly ingest$: Observable<IngestCounters>;
  /** Computed now from the latest state. */
  snapshot(): RunSnapshot;
  /**
   * The checkpoint is restored and the existing inputs (log, state file) are replayed to their end.
   * Rejects (an `Error` saying what is there) when a reading processor finds no state directory or
   * no run of its feature in it.
   */
  readonly ready: Promise<void>;
  /** Writes the state file now (persist mode; otherwise resolves at once). */
  flush(): Promise<void>;
  /** Stops the sources, folds what they still had, flushes, completes the streams. */
  close(): Promise<void>;
}

interface Sources {
  readonly inProcess: OrchestratorEvents | undefined;
  readonly log: { readonly follow: boolean } | null;
  readonly stateFile: boolean;
  readonly broker: { readonly url: BrokerUrl; readonly follow: boolean } | null;
}

function brokerSource(broker: NonNullable<MetricsProcessorOptions['sources']>['broker']): Sources['broker'] {
  if (broker === undefined) return null;
  const url = typeof broker.url === 'string' ? parseBrokerUrl(broker.url) : E.right(broker.url);
  if (E.isLeft(url)) throw new Error(`createMetricsProcessor: ${url.left}`);
  return { url: url.right, follow: broker.follow ?? true };
}

const NO_SOURCES: Sources = { inProcess: undefined, log: null, stateFile: false, broker: null };

function normalizeSources(sources: MetricsProcessorOptions['sources']): Sources {
  if (sources === undefined) return { inProcess: undefined, log: { follow: true }, stateFile: false, broker: null };
  const log = sources.eventsLog === undefined || sources.eventsLog === false ? null : sources.eventsLog === true ? { follow: true } : sources.eventsLog;
  return { inProcess: sources.inProcess, log, stateFile: sources.stateFile === true, broker: brokerSource(sources.broker) };
}

/** Where the fold starts: the stored checkpoint (as JSON, restored per subscription) or nothing. */
interface StartingPoint {
  readonly manager: StateManager | null;
  readonly checkpoint: unknown;
  readonly restored: RunState | null;
  readonly recovered: boolean;
  readonly mode: InputMode;
  /** The stored checkpoint held a figure out of range (counted as an `out_of_range` input). */
  readonly outOfRange?: string;
}

function inputMode(sources: Sources, logExists: boolean, prev: StateFile | null): InputMode {
  if (!sources.stateFile) return 'log';
  if (!sources.log) return 'state';
  return preferredInput(logExists, prev);
}

function startingPoint(options: MetricsProcessorOptions, sources: Sources, warner: Warner): StartingPoint {
  const { feature, stateDir } = options;
  let prev: StateFile | null = null;
  let manager: StateManager | null = null;
  let recovered = false;
  if (options.persist) {
    manager = new StateManager({ stateDir, feature, ...(options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {}), ...(options.now ? { now: options.now } : {}) });
    try {
      prev = manager.load();
    } catch (err) {
      if (!(err instanceof CorruptStateError)) throw err;
      warner.warn(`${err.message}; rebuilding it from the events log`);
      recovered = true;
      prev = manager.state;
    }
  } else if (options.stateFileRead) {
    prev = options.stateFileRead;
  } else if (sources.log || (!sources.stateFile && !sources.broker)) {
    // (A reader of the broker alone keeps nothing locally: it reads the stream from its start.)
    // Read for its checkpoint, or to choose the input; a run folded from the state file alone reads it as its source.
    const read = readStateFile(statePath(stateDir, feature));
    if (E.isLeft(read)) warner.warn(`state file ${read.left.file} is unreadable (${read.left.reason}); reading the events log from its start`);
    else prev = read.right;
  }
  const logExists = fs.existsSync(eventsPath(stateDir, feature));
  const mode = inputMode(sources, logExists, prev);
  // Events derived from state snapshots already cover what the checkpoint holds: never both.
  const checkpoint = mode === 'log' && options.replay !== true ? storedCheckpoint(prev) : null;
  if (checkpoint === null) return { manager, checkpoint: null, restored: null, recovered, mode };
  const restored = restoreRunState(checkpoint);
  if (E.isLeft(restored)) {
    warner.warn(`the checkpoint in ${statePath(stateDir, feature)} is unusable (${restored.left.message}); rebuilding from the events log`);
    return {
      manager,
      checkpoint: null,
      restored: null,
      recovered: recovered || options.persist === true,
      // With no log to rebuild from, the state file itself is the record, when it may be read.
      mode: !logExists && sources.stateFile ? 'state' : mode,
      ...(restored.left.outOfRange ? { outOfRange: restored.left.message } : {}),
    };
  }
  return { manager, checkpoint, restored: restored.right, recovered, mode };
}

/**
 * Why a processor that only reads has nothing to read (no state dir, no run of the feature), or
 * null. One that writes (persist) or is fed in-process starts the run itself.
 */
function nothingToRead(options: MetricsProcessorOptions, sources: Sources): string | null {
  // A broker reader needs no local files at all.
  if (options.persist || sources.inProcess || sources.broker) return null;
  const { feature, stateDir } = options;
  if (!isDirectory(stateDir)) return noStateDirMessage(stateDir);
  if (options.stateFileRead || fs.existsSync(statePath(stateDir, feature)) || fs.existsSync(eventsPath(stateDir, feature))) return null;
  return unknownFeatureMessage(feature, stateDir, listFeatures(stateDir).map((f) => f.feature));
}

const completesALevel = (c: RunCursor): boolean => c.batch.some((i) => i.kind === 'event' && i.event.type === 'level_complete');

/** Source items → a batch of pipeline inputs (null items dropped). */
const batchOf = <T>(items: readonly T[], toInput: (item: T) => SourceInput | null, keep: (input: SourceInput) => boolean): SourceInput[] => {
  const out: SourceInput[] = [];
  for (const item of items) {
    const input = toInput(item);
    if (input !== null && keep(input)) out.push(input);
  }
  return out;
};

/**
 * Lines as we and upstream write them are read in place, in the tailer, and become events without
 * `JSON.parse` (`readLine`); with `producer`+`seq`, without a string of the line ever made. An
 * event without them keeps its line's text (`keepLine`): the dedupe recognises such an event by its line.
 */
const keepLine = (event: LifecycleEvent): boolean => event.producer === undefined || event.seq === undefined;

export function createMetricsProcessor(options: MetricsProcessorOptions): MetricsProcessor {
  const { feature, stateDir } = options;
  const now = options.now ?? Date.now;
  let sources = normalizeSources(options.sources);
  if (options.persist && sources.stateFile) {
    throw new Error('createMetricsProcessor: `persist` and the `stateFile` source exclude each other (the state file would be read and written)');
  }
  const warner: Warner = options.onWarning ? { warn: options.onWarning } : stderrWarner();
  const missing = nothingToRead(options, sources);
  if (missing !== null) sources = NO_SOURCES;
  const decodeOptions = options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {};
  const pollOptions = options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {};

  const start: StartingPoint = missing === null ? startingPoint(options, sources, warner) : { manager: null, checkpoint: null, restored: null, recovered: false, mode: 'log' };
  // The state restored at start serves the first subscription; a later one (after every reader
  // left) restores the same checkpoint again: accumulators are never shared.
  let unused: RunState | null = start.restored;
  const createState = (): RunState => {
    if (unused !== null) {
      const state = unused;
      unused = null;
      return state;
    }
    if (start.checkpoint === null) return createRunState(feature);
    const restored = restoreRunState(start.checkpoint);
    return E.isRight(restored) ? restored.right : createRunState(feature);
  };
  const startOffset = start.restored?.eventsOffset ?? 0;
  const seen = start.restored ? start.restored.seenSeqs.toRecord() : {};
  const recentLines = start.restored ? start.restored.recentLines.toJSON() : [];

  const quarantine = options.persist
    ? new RejectedLinesWriter(rejectedPath(stateDir, feature), {
        now,
        resumeFrom: startOffset,
        onProblem: (m) => warner.warn(m),
        ...(options.rejectedCapBytes !== undefined ? { capBytes: options.rejectedCapBytes } : {}),
      })
    : null;

  // ---- sources ------------------------------------------------------------------------------
  const stop$ = new ReplaySubject<void>(1);
  const logCaughtUp$ = new ReplaySubject<void>(1);
  let sourceError: unknown = null;
  const sourceFailed = (what: string) => (err: unknown) => {
    sourceError ??= err;
    warner.warn(`cannot read ${what}: ${describeError(err)}`);
    return EMPTY;
  };

  let mode = start.mode;
  // A source already ruled out is not even read.
  const logSource = mode === 'state' ? null : sources.log;
  const readState = sources.stateFile && mode !== 'log';
  /** Whether an input of `from` may feed the run (the first source to speak decides, when undecided). */
  const admits = (from: 'log' | 'state'): boolean => {
    if (mode === 'undecided') mode = from;
    return mode === from;
  };

  // Every source emits batches: per-input emissions through the pipeline would cost more than the inputs.
  const log$: Observable<SourceInput[]> = logSource
    ? tailJsonlBatches(eventsPath(stateDir, feature), { fromOffset: startOffset, follow: logSource.follow, stop: stop$, decode: readLine, keepLine, ...pollOptions }).pipe(
        map((items) => batchOf(items, fromTailItem, (i) => i.kind === 'caught_up' || admits('log'))),
        catchError(sourceFailed(eventsPath(stateDir, feature))),
      )
    : EMPTY;

  const inProcess$: Observable<SourceInput[]> = sources.inProcess
    ? sources.inProcess.events$.pipe(
        map(({ event, offset, streamId }): SourceInput[] => [madeEvent(event, 'in_process', { ...(offset !== undefined ? { offset } : {}), ...(streamId !== undefined ? { streamId } : {}) })]),
        takeUntil(stop$),
        // In-process events follow the replay of the log (and are deduped against it); released
        // after the batch that ended the replay has been folded.
        logSource ? holdUntil(logCaughtUp$.pipe(observeOn(asapScheduler))) : (s) => s,
      )
    : EMPTY;

  const graph = readState ? readTaskGraph(upstreamGraphPath(stateDir, feature)) : null;
  if (graph?.warning) warner.warn(graph.warning);
  const levelOf = levelsOf(graph?.graph ?? null);
  const stateFile$: Observable<SourceInput[]> = readState
    ? stateSnapshotBatches(statePath(stateDir, feature), {
        ...decodeOptions,
        ...pollOptions,
        ...(levelOf ? { levelOf } : {}),
        // Read by the caller already: decoded once.
        ...(options.stateFileRead ? { firstRead: options.stateFileRead } : {}),
        stop: stop$,
      }).pipe(
        tap((items) => {
          for (const item of items) if (item.kind === 'unreadable') warner.warn(`state file ${statePath(stateDir, feature)} skipped: ${item.reason}`);
        }),
        map((items) => batchOf(items, fromStateItem, (i) => i.kind === 'caught_up' || admits('state'))),
        catchError(sourceFailed(statePath(stateDir, feature))),
      )
    : EMPTY;

  const broker$: Observable<SourceInput[]> = sources.broker
    ? brokerEventBatches({
        url: sources.broker.url,
        feature,
        after: start.restored?.streamId ?? '0',
        follow: sources.broker.follow,
        stop: stop$,
        onStatus: (m) => warner.warn(m),
        ...decodeOptions,
      }).pipe(catchError(sourceFailed(`the broker ${sources.broker.url.text}`)))
    : EMPTY;

  const initial: SourceInput[][] = [
    ...(start.recovered ? [[{ kind: 'count', counter: 'stateRecoveries' } as const]] : []),
    ...(start.outOfRange !== undefined ? [[{ kind: 'rejected', reason: 'out_of_range', detail: start.outOfRange, line: null, from: 'checkpoint' } as const]] : []),
  ];

  // ---- readiness: every replaying source has caught up once ------------------------------------
  let pendingReplays = (logSource ? 1 : 0) + (readState ? 1 : 0) + (sources.broker ? 1 : 0);
  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  let live = false;
  ready.then(
    () => {
      live = true;
    },
    () => undefined, // observed by whoever awaits it; never an unhandled rejection
  );
  const caughtUpSeen = new Set<CaughtUpInput['source']>();
  const onCaughtUp = (input: CaughtUpInput): void => {
    if (caughtUpSeen.has(input.source)) return;
    caughtUpSeen.add(input.source);
    if (input.source === 'log') logCaughtUp$.next();
    pendingReplays -= 1;
    if (pendingReplays === 0) markReady();
  };

  const reportRejected = (input: RejectedInput): void => {
    if (input.reason === 'unknown_type') return; // a newer producer's event: counted, not quarantined
    if (input.from === 'checkpoint') return; // said when the checkpoint was read; not a line to quarantine
    if (input.from === 'state') {
      warner.warn(`state file ${statePath(stateDir, feature)}: ${input.detail} (out_of_range)`);
      return;
    }
    if (input.from === 'in_process') {
      warner.warn(`an event of the orchestrator was not folded: ${input.detail} (out_of_range)`);
      return;
    }
    quarantine?.add(input);
    const where = input.offset !== undefined ? ` at byte ${input.offset}` : '';
    warner.warn(`${BAD_LINE_WARNING}${where} of ${eventsPath(stateDir, feature)} (${input.reason}): ${input.detail}`);
  };

  // ---- the pipeline ----------------------------------------------------------------------------
  // Markers say where a replay ends; they are not folded. Anything they trigger runs after the
  // batch that carries them (a promise, an asap release), so never ahead of that batch's inputs.
  const takeMarkers = (batch: readonly SourceInput[]): (LineInput | FoldInput)[] => {
    let markers = 0;
    for (const input of batch) {
      if (input.kind !== 'caught_up') continue;
      onCaughtUp(input);
      markers += 1;
    }
    // A marker comes about once per replay: most batches go on as they are.
    return markers === 0 ? (batch as (LineInput | FoldInput)[]) : batch.filter((input): input is LineInput | FoldInput => input.kind !== 'caught_up');
  };
  const reportAll = (batch: readonly FoldInput[]): void => {
    for (const input of batch) if (input.kind === 'rejected') reportRejected(input);
  };

  const eventsSubject = new Subject<LifecycleEvent>();
  let lastEvent: LifecycleEvent | null = null;
  const publishEvents = (cursor: RunCursor): void => {
    for (const input of cursor.batch) {
      if (input.kind !== 'event') continue;
      lastEvent = input.event;
      if (eventsSubject.observed) eventsSubject.next(input.event);
    }
  };

  const folds$: Observable<FoldInput[]> = concat(from(initial), merge(log$, inProcess$, stateFile$, broker$)).pipe(
    map(takeMarkers),
    filter((batch) => batch.length > 0),
    decodeInputs(decodeOptions),
    tap(reportAll),
    dedupeEvents({ seen, recentLines }),
    flagFutureTimestamps(now),
  );
  const cursor$: Observable<RunCursor> = folds$.pipe(accumulateMetrics(createState), tap(publishEvents), shareReplay({ bufferSize: 1, refCount: true }));

  // The processor keeps the fold running (and `snapshot()` current) until `close()`.
  let latest: RunCursor | null = null;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // Rejected before the (empty) fold completes, so that the error is what `ready` says.
  if (missing !== null) failReady(new Error(missing));
  const driver: Subscription = cursor$.subscribe({
    next: (cursor) => {
      latest = cursor;
    },
    error: (err: unknown) => {
      // A bug (the reducer and decoders never throw on data): loud, and the streams end.
      warner.warn(`internal error in the metrics pipeline: ${(err as Error)?.stack ?? String(err)}`);
      eventsSubject.error(err);
      failReady(err);
      finish();
    },
    complete: () => {
      eventsSubject.complete();
      if (sourceError !== null) failReady(sourceError);
      markReady();
      finish();
    },
  });
  if (pendingReplays === 0) markReady();

  const snapshot = (): RunSnapshot => {
    // `latest` is set synchronously by the driver's first emission (the initial cursor); should it
    // not be, an empty run — never `createState()`, which would take the restored state.
    if (latest === null) return snapshotOf(createRunState(feature), now());
    return snapshotOf(latest.run, now());
  };

  // ---- persistence -----------------------------------------------------------------------------
  // Inputs folded as of the last write; a restored checkpoint is already on disk (0 folded since).
  let savedFolded = start.restored !== null && !start.recovered ? 0 : -1;
  const save = (cursor: RunCursor): Promise<void> => {
    const manager = start.manager;
    if (manager === null) return Promise.resolve();
    if (cursor.folded === savedFolded) return Promise.resolve();
    const folded = cursor.folded;
    const snap = snapshotOf(cursor.run, now());
    manager.replace(applySnapshot(manager.state, snap, checkpointOf(cursor.run)));
    return manager.save().then(() => {
      savedFolded = folded;
    });
  };
  const persistSub: Subscription | null = start.manager
    ? cursor$
        // A level completed in a replay of old events needs no write of its own: the throttled ones cover it.
        .pipe(persistThrottled(save, { intervalMs: options.persistIntervalMs ?? 1000, immediately: (c) => live && completesALevel(c) }))
        .subscribe((outcome) => {
          if (outcome.ok || options.onWriteError?.(outcome.error) === true) return;
          warner.warn(`cannot write ${statePath(stateDir, feature)} (${describeError(outcome.error)}); will retry`);
        })
    : null;

  const flush = async (): Promise<void> => {
    if (start.manager === null || latest === null) return;
    await save(latest);
  };

  // ---- sinks ---------------------------------------------------------------------------------------
  const snapshot$ = cursor$.pipe(
    sampleSnapshots(options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS, (c: RunCursor) => snapshotOf(c.run, now())),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  const select = <A>(f: (s: RunSnapshot) => A): Observable<A> => snapshot$.pipe(map(f));

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stop$.next();
      stop$.complete();
      await done;
      persistSub?.unsubscribe();
      driver.unsubscribe();
      try {
        await flush();
      } finally {
        await quarantine?.flush();
      }
    })();
    return closing;
  };

  return {
    snapshot$,
    feature$: select((s) => s.metrics),
    levels$: select((s) => s.metrics.levelMetrics),
    workers$: select((s) => s.metrics.workerMetrics),
    tasks$: select((s) => s.tasks),
    // Late subscribers get the latest event first.
    events$: new Observable<LifecycleEvent>((subscriber) => {
      if (lastEvent !== null) subscriber.next(lastEvent);
      return eventsSubject.subscribe(subscriber);
    }),
    ingest$: select((s) => s.ingest),
    snapshot,
    ready,
    flush,
    close,
  };
}

