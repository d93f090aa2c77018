/**
 * `createMetricsProcessor`: sources → merge → decode → dedupe → scan(reduce) → one multicast,
 * read by every sink (DESIGN §2). Persistence, snapshots and the public streams all read the same
 * multicast state; nothing computes metrics a second way. The parts, each in its own module:
 *
 * - `startingPoint`: the stored checkpoint to restore (or none), and which input is the record;
 * - `sourceInputs`: the sources read, as batches of inputs, with first-source arbitration;
 * - `replayGate`: `ready` once every source has replayed what exists; in-process events wait for the log;
 * - the fold: `decodeInputs`, `dedupeEvents`, `flagFutureTimestamps`, `accumulateMetrics`;
 * - `persistence` (persist mode: this process owns `{feature}.json`) and `badInputReport`;
 * - `publicStreams`: snapshots, the metric streams, the events folded.
 */
import { concat, from, type Observable, ReplaySubject, shareReplay, tap } from 'rxjs';
import { emptySnapshot, snapshotOf } from '../metrics/snapshotOf';
import { accumulateMetrics, type RunCursor } from './accumulateMetrics';
import { quarantineOf, reportBadInput } from './badInputReport';
import { decodeInputs } from './decodeInputs';
import { dedupeEvents } from './dedupeEvents';
import { flagFutureTimestamps } from './flagFutureTimestamps';
import { driveFold } from './foldDriver';
import { persistRun } from './persistence';
import { decodeOptionsOf, NO_SOURCES, sourcesOf, type MetricsProcessor, type MetricsProcessorOptions } from './processorOptions';
import { FoldedEvents, metricStreams } from './publicStreams';
import { ReplayGate, throughReplayGate } from './replayGate';
import { DEFAULT_SNAPSHOT_INTERVAL_MS } from './sampleSnapshots';
import { planSources, replaysOf, sourceInputs } from './sourceInputs';
import { FROM_NOTHING, nothingToRead, runStates, startingPoint, startInputs } from './startingPoint';
import { stderrWarner, type Warner } from './warnings';

export { BAD_LINE_WARNING } from './badInputReport';
export type { MetricsProcessor, MetricsProcessorOptions } from './processorOptions';

/**
 * Folds a feature's lifecycle events, from the sources of `options`, into metrics: its streams
 * (`feature$`, `levels$`, `workers$`, `tasks$`, `events$`, `ingest$`, `snapshot$`) and `snapshot()`
 * read the one fold; `ready` settles once what exists has been replayed; `close()` stops the
 * sources, folds what they still had and, with `persist`, writes the state file a last time.
 */
export function createMetricsProcessor(options: MetricsProcessorOptions): MetricsProcessor {
  const { feature, stateDir } = options;
  const now = options.now ?? Date.now;
  const warner: Warner = options.onWarning ? { warn: options.onWarning } : stderrWarner();
  const asked = sourcesOf(options);
  const missing = nothingToRead(options, asked);
  const start = missing === null ? startingPoint(options, asked, warner) : FROM_NOTHING;
  const plan = planSources(missing === null ? asked : NO_SOURCES, start.mode);

  const gate = new ReplayGate(replaysOf(plan));
  const stop$ = new ReplaySubject<void>(1);
  const inputs = sourceInputs(plan, { options, start, stop$, logReplayed$: gate.logReplayed$, warner });
  const quarantine = quarantineOf(options, start.restored?.eventsOffset ?? 0, warner);
  const events = new FoldedEvents();

  const cursor$: Observable<RunCursor> = concat(from(startInputs(start)), inputs.batches$).pipe(
    throughReplayGate(gate),
    decodeInputs(decodeOptionsOf(options)),
    dedupeEvents({ seen: start.restored?.seenSeqs.toRecord() ?? {}, recentLines: start.restored?.recentLines.toJSON() ?? [] }),
    flagFutureTimestamps(now),
    // After the clock's check: what it rejects (stamped more than a day ahead) is reported too.
    tap(reportBadInput({ feature, stateDir, warner, quarantine })),
    accumulateMetrics(runStates(start, feature)),
    tap(events.publish),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  // Rejected before the (empty) fold completes, so that the error is what `ready` says.
  if (missing !== null) gate.fail(new Error(missing));
  const driver = driveFold(cursor$, { gate, events, warner, sourceFailure: inputs.failure });
  gate.openIfNothingToReplay();

  const persistence = persistRun(
    cursor$,
    start.manager && {
      manager: start.manager,
      // A restored checkpoint is already on disk (0 folded since).
      savedFolded: start.restored !== null && !start.recovered ? 0 : -1,
      now,
      intervalMs: options.persistIntervalMs ?? 1000,
      live: () => gate.live,
      ...(options.onWriteError ? { onWriteError: options.onWriteError } : {}),
      warn: (m) => warner.warn(m),
    },
  );
  const flush = (): Promise<void> => persistence.flush(driver.latest());

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stop$.next();
      stop$.complete();
      await driver.done;
      persistence.stop();
      driver.stop();
      try {
        await flush();
      } finally {
        await quarantine?.flush();
      }
    })();
    return closing;
  };

  return {
    ...metricStreams(cursor$, (c) => snapshotOf(c.run, now()), options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS),
    events$: events.events$,
    // Computed now from the latest state; an empty run should the fold not have started (never
    // the restored state, which belongs to the fold).
    snapshot: () => {
      const latest = driver.latest();
      return latest === null ? emptySnapshot(feature, now()) : snapshotOf(latest.run, now());
    },
    ready: gate.ready,
    flush,
    close,
  };
}
