/**
 * The metrics processor of a run: `rush` feeds it in-process events, and it keeps
 * `{feature}.json` (the only writer of it).
 */
import { createMetricsProcessor, MetricsProcessor } from '../pipeline/processor';
import type { OrchestratorEvents } from '../sources/inProcess';

export type RunProcessor = MetricsProcessor;

/** Restores the checkpoint, replays the log after it, then folds what `emitter` emits. */
export const openRunProcessor = (feature: string, stateDir: string, emitter: OrchestratorEvents): RunProcessor =>
  createMetricsProcessor({ feature, stateDir, sources: { inProcess: emitter, eventsLog: { follow: false } }, persist: true });
