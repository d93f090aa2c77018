/**
 * What `rush` needs of the metrics processor (src/pipeline/processor.ts): it feeds it in-process
 * events, and the processor keeps `{feature}.json` (the only writer of it).
 */
import type { Observable } from 'rxjs';
import type { RunSnapshot } from '../metrics/snapshot';
import type { OrchestratorEvents } from '../sources/inProcess';

export interface RunProcessor {
  readonly snapshot$: Observable<RunSnapshot>;
  snapshot(): RunSnapshot;
  readonly ready: Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface ProcessorModule {
  createMetricsProcessor(options: {
    feature: string;
    stateDir: string;
    sources?: { inProcess?: OrchestratorEvents; eventsLog?: boolean | { follow: boolean } };
    persist?: boolean;
  }): RunProcessor;
}

/** The persisting processor of a run: restores the checkpoint, replays the log, then folds `emitter`. */
export function openRunProcessor(feature: string, stateDir: string, emitter: OrchestratorEvents): RunProcessor {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pipeline = require('../pipeline/processor') as ProcessorModule;
  return pipeline.createMetricsProcessor({ feature, stateDir, sources: { inProcess: emitter, eventsLog: { follow: false } }, persist: true });
}
