/**
 * What `createMetricsProcessor` is given and what it returns (the public contract, README
 * "Library"), and the sources it was asked for, made explicit (`normalizeSources`).
 */
import * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';
import { parseBrokerUrl, type BrokerUrl } from '../broker/url';
import type { LifecycleEvent } from '../events/codecs';
import type { IngestCounters, RunSnapshot } from '../metrics/snapshot';
import type { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from '../metrics/types';
import type { OrchestratorEvents } from '../sources/inProcess';
import type { StateFile } from '../state/codecs';

export interface MetricsProcessorOptions {
  readonly feature: string;
  readonly stateDir: string;
  readonly sources?: {
    /** The orchestrator's emitter. */
    readonly inProcess?: OrchestratorEvents;
    /** Read `{feature}-events.jsonl` (`follow`: keep tailing it). Default when no source is given: follow. */
    readonly eventsLog?: boolean | { readonly follow: boolean };
    /** Derive events from snapshots of the state file (orchestrators that write only that); `follow` (default true): keep reading new ones. */
    readonly stateFile?: boolean | { readonly follow: boolean };
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

/** The sources to read, every default applied. */
export interface Sources {
  readonly inProcess: OrchestratorEvents | undefined;
  readonly log: { readonly follow: boolean } | null;
  /** `follow`: the state file is read again when it changes (else once). */
  readonly stateFile: { readonly follow: boolean } | null;
  readonly broker: { readonly url: BrokerUrl; readonly follow: boolean } | null;
}

function brokerSource(broker: NonNullable<MetricsProcessorOptions['sources']>['broker']): Sources['broker'] {
  if (broker === undefined) return null;
  const url = typeof broker.url === 'string' ? parseBrokerUrl(broker.url) : E.right(broker.url);
  if (E.isLeft(url)) throw new Error(`createMetricsProcessor: ${url.left}`);
  return { url: url.right, follow: broker.follow ?? true };
}

/** How the processor's decoders read stamps without a zone (`naiveTz`), as decoders take it. */
export const decodeOptionsOf = (options: MetricsProcessorOptions): { naiveTz?: string } => (options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {});

/** A source as asked for (`true`: followed) → read with `follow`, or not read (null). */
const followed = (asked: boolean | { readonly follow: boolean } | undefined): { readonly follow: boolean } | null =>
  asked === undefined || asked === false ? null : asked === true ? { follow: true } : asked;

/** What a processor with nothing to read reads. */
export const NO_SOURCES: Sources = { inProcess: undefined, log: null, stateFile: null, broker: null };

/** The sources asked for; none asked for means following the events log. */
export function normalizeSources(sources: MetricsProcessorOptions['sources']): Sources {
  if (sources === undefined) return { inProcess: undefined, log: { follow: true }, stateFile: null, broker: null };
  return { inProcess: sources.inProcess, log: followed(sources.eventsLog), stateFile: followed(sources.stateFile), broker: brokerSource(sources.broker) };
}

/** The sources `options` asks for; `persist` with the state file as a source is a caller's mistake (it would read what it writes). */
export function sourcesOf(options: MetricsProcessorOptions): Sources {
  const sources = normalizeSources(options.sources);
  if (options.persist && sources.stateFile) {
    throw new Error('createMetricsProcessor: `persist` and the `stateFile` source exclude each other (the state file would be read and written)');
  }
  return sources;
}
