/**
 * The public API of `mahabharatha` (README "Library"): the metrics processor and its streams, the
 * seed's functions and classes, and the codecs of what the processor hands out and the files hold
 * (the codec is the type: `WorkerMetrics.decode(json)`, `WorkerMetrics.encode(m)` in snake_case).
 * Nothing else is exported: the reducer's state, the sketches, the sources and the file layout are
 * the package's own and may change. `test/index.test.ts` holds this list to a golden file.
 *
 * ```ts
 * import { createMetricsProcessor } from 'mahabharatha';
 * const processor = createMetricsProcessor({ feature: 'my-feature', stateDir: '.mahabharatha/state' });
 * processor.workers$.subscribe((workers) => console.log(workers.map((w) => `${w.workerId}: ${w.tasksCompleted}`)));
 * await processor.ready;
 * ```
 */

/**
 * `createMetricsProcessor(options)`: folds a feature's lifecycle events into metrics and serves them
 * as streams (`feature$`, `levels$`, `workers$`, `tasks$`, `events$`, `ingest$`, `snapshot$`), with
 * `snapshot()`, `ready`, `flush()` and `close()`; `persist: true` makes it the writer of the state file.
 */
export { createMetricsProcessor, type MetricsProcessor, type MetricsProcessorOptions } from './pipeline/processor';

/** The in-process source: an orchestrator calls `emit(event, offset?)` on it for each moment it records. */
export { OrchestratorEvents, type PositionedEvent } from './sources/inProcess';

/**
 * Lifecycle events (DESIGN §3.2): `decodeEvent(json)` and `decodeLine(line)` give an event or the
 * reason it was rejected, never throw; `encodeEvent(event)` gives the wire form, `eventLine(event)`
 * the line of the events log.
 */
export { type EventType, type LifecycleEvent, type WireEvent } from './events/codecs';
export { decodeEvent, decodeLine, encodeEvent, eventLine, type Rejection, type RejectionReason } from './events/decode';

/** What a snapshot of the run holds (`snapshot()`, `snapshot$`), and the bad-input counters (`ingest$`). */
export { type FailureRecord, type IngestCounters, type RecentEvent, type RunSnapshot, type RunStatus } from './metrics/snapshot';

/** `emptySnapshot(feature, now)`: the snapshot of a run no event was folded into yet (what a view shows before the first event). */
export { emptySnapshot } from './metrics/snapshotOf';

/** The metrics codecs (seed §3.1), camelCase in code and snake_case on the wire. */
export { FeatureMetrics, LevelMetrics, MetricsSource, TaskMetrics, WorkerMetrics } from './metrics/types';

/** The seed's functions: `durationMs(start, end)` in whole ms (null when either is missing) and `calculatePercentile(values, p)`. */
export { durationMs } from './metrics/duration';
export { calculatePercentile } from './metrics/percentile';

/**
 * The state file (DESIGN §3.1): its codecs, the `StateManager` that loads and saves it atomically
 * (throwing `CorruptStateError` for a file that is not a state file — moved aside — and
 * `StateAccessError` when the OS refuses), and the seed's batch `MetricsCollector` over it.
 */
export { LevelState, StateFile, TaskState, WorkerState } from './state/codecs';
export { CorruptStateError, StateAccessError, StateManager } from './state/stateManager';
export { MetricsCollector } from './state/metricsCollector';

/** The task-graph codec (upstream's `task-graph.json`). */
export { TaskGraph } from './graph/taskGraph';
