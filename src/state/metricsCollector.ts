/**
 * The seed's `MetricsCollector` (seed §3.3): metrics computed from a loaded state. It is the same
 * reducer folded over the events the state implies (`eventsFromState`), so the batch figures and
 * the streaming ones cannot drift apart. Each call reads the state once. It lives with the state
 * I/O because `exportJson` writes a file; the computing is pure (`collectFromState`).
 */
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { collectFromState } from './collect';
import type { RunSnapshot } from '../metrics/snapshot';
import type { StateEventsOptions } from './stateEvents';
import { FeatureMetrics, LevelMetrics, TaskMetrics, WorkerMetrics } from '../metrics/types';
import { writeFileAtomicSync } from './atomicWrite';
import { makeDirs } from './makeDirs';
import type { StateFile } from './codecs';

/** Anything that holds a loaded state: a `StateManager`, or a function returning one. */
export type StateSource = { readonly state: StateFile } | (() => StateFile);

export interface CollectorOptions extends StateEventsOptions {
  /** Clock for uptimes and the duration of a running feature. */
  readonly now?: () => number;
}

export class MetricsCollector {
  constructor(
    private readonly source: StateSource,
    private readonly options: CollectorOptions = {},
  ) {}

  /** One read of the state, folded through the reducer. */
  snapshot(): RunSnapshot {
    const state = typeof this.source === 'function' ? this.source() : this.source.state;
    return collectFromState(state, (this.options.now ?? Date.now)(), this.options);
  }

  computeWorkerMetrics(workerId: number): WorkerMetrics {
    const found = this.snapshot().metrics.workerMetrics.find((w) => w.workerId === workerId);
    return found ?? fromDict(WorkerMetrics, { worker_id: workerId });
  }

  computeTaskMetrics(taskId: string): TaskMetrics {
    const found = this.snapshot().tasks.find((t) => t.taskId === taskId);
    return found ?? fromDict(TaskMetrics, { task_id: taskId });
  }

  computeLevelMetrics(level: number): LevelMetrics {
    const found = this.snapshot().metrics.levelMetrics.find((l) => l.level === level);
    return found ?? fromDict(LevelMetrics, { level });
  }

  computeFeatureMetrics(): FeatureMetrics {
    return this.snapshot().metrics;
  }

  /** Writes the feature metrics (snake_case JSON) to `file`, creating its directory. */
  exportJson(file: string): void {
    makeDirs(path.dirname(path.resolve(file)));
    writeFileAtomicSync(file, `${JSON.stringify(FeatureMetrics.encode(this.computeFeatureMetrics()), null, 2)}\n`);
  }
}

/** The seed's defaults for an id the state does not know (`from_dict({"worker_id": 2})`). */
function fromDict<A>(codec: t.Type<A, unknown, unknown>, dict: Record<string, unknown>): A {
  const decoded = codec.decode(dict);
  // Only reachable if a codec's defaults stop covering its required keys: a bug, so loud.
  if (E.isLeft(decoded)) throw new Error(`defaults do not decode for ${JSON.stringify(dict)}`);
  return decoded.right;
}
