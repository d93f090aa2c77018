/**
 * The public API of `mahabharatha`: the metrics processor and its streams, the event and state
 * codecs (the codec is the type), the seed's functions and classes.
 *
 * ```ts
 * import { createMetricsProcessor } from 'mahabharatha';
 * const processor = createMetricsProcessor({ feature: 'my-feature', stateDir: '.mahabharatha/state' });
 * processor.workers$.subscribe((workers) => console.log(workers.map((w) => `${w.workerId}: ${w.tasksCompleted}`)));
 * await processor.ready;
 * ```
 */

// The processor and its sources.
export { createMetricsProcessor, type MetricsProcessor, type MetricsProcessorOptions } from './pipeline/processor';
export { loadRun, type LoadedRun, type LoadRunError, type LoadRunOptions } from './pipeline/loadRun';
export { OrchestratorEvents, type PositionedEvent } from './sources/inProcess';
export { tailJsonl, type TailItem, type TailOptions } from './sources/jsonlTailer';
export { stateSnapshots, type StateSnapshotItem, type StateSnapshotsOptions } from './sources/stateSnapshots';

// Lifecycle events.
export { EventData, EVENT_ALIASES, EVENT_TYPES, type EventType, type LifecycleEvent, type WireEvent } from './events/codecs';
export { decodeEvent, decodeLine, encodeEvent, eventLine, REJECTION_REASONS, type Rejection, type RejectionReason } from './events/decode';
export { formatTimestamp, isValidZone, parseTimestamp } from './events/timestamp';

// The state file.
export { initialState, LevelState, StateFile, TaskState, WorkerState } from './state/codecs';
export { CorruptStateError, StateAccessError, StateManager } from './state/stateManager';
export { DEFAULT_STATE_DIR, eventsPath, listFeatures, rejectedPath, statePath } from './state/layout';

// Metrics.
export { FeatureMetrics, LevelMetrics, MetricsSource, TaskMetrics, WorkerMetrics } from './metrics/types';
export { emptyIngest, encodeIngest, type FailureRecord, type IngestCounters, type RecentEvent, type RunSnapshot, type RunStatus } from './metrics/snapshot';
export { durationMs } from './metrics/duration';
export { calculatePercentile } from './metrics/percentile';
export { Series } from './metrics/series';
export { DDSketch } from './metrics/ddsketch';
export { MetricsCollector } from './state/metricsCollector';
export { createRunState, reduce, snapshotOf, type ReducerInput, type RunState } from './metrics/reducer';

// Views that are data.
export { renderStatusJson, statusJson } from './views/json';
export { TaskGraph } from './graph/taskGraph';
