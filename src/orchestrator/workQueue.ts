/**
 * Where a run's work and events travel when workers may be on other hosts (DESIGN §9). `rush`
 * sees only this: its own events go out through `publish`, each claimable task through `queue`,
 * and the other producers' events (the workers') come back through `start`'s handler, in stream
 * order. The Redis implementation is `src/broker/runLink.ts`.
 */
import type { LifecycleEvent } from '../events/codecs';
import type { PlannedTask } from '../graph/validateGraph';

export interface WorkQueue {
  /** Starts reading the other producers' events; `foreign` gets each one with its stream id. */
  start(foreign: (event: LifecycleEvent, streamId: string) => void): void;
  publish(event: LifecycleEvent): void;
  queue(task: PlannedTask, attempt: number): void;
  /** The run is over: workers are told to leave; resolves once they have (or after a bound). */
  end(): Promise<void>;
  /** Sends what is unsent, stops reading, closes the connections. */
  close(): Promise<void>;
}
