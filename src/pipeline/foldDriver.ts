/**
 * The processor keeps its fold running — and `snapshot()` current — from its creation until
 * `close()`, whoever else subscribes: the driver is that one subscription. When the fold ends it
 * ends the events stream and settles the replay gate: a source that failed is what `ready` says;
 * an error in the fold is a bug (the reducer and the decoders never throw on data), said loudly.
 */
import type { Observable, Subscription } from 'rxjs';
import type { RunCursor } from './accumulateMetrics';
import type { FoldedEvents } from './publicStreams';
import type { ReplayGate } from './replayGate';
import type { Warner } from './warnings';

export interface FoldDriver {
  /** The latest cursor (set synchronously by the fold's first emission, its initial state). */
  latest(): RunCursor | null;
  /** Settles when the fold has ended. */
  readonly done: Promise<void>;
  stop(): void;
}

export interface DriverContext {
  readonly gate: ReplayGate;
  readonly events: FoldedEvents;
  readonly warner: Warner;
  /** The first error a source ended with, or null. */
  readonly sourceFailure: () => unknown;
}

export function driveFold(cursor$: Observable<RunCursor>, { gate, events, warner, sourceFailure }: DriverContext): FoldDriver {
  let latest: RunCursor | null = null;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const subscription: Subscription = cursor$.subscribe({
    next: (cursor) => {
      latest = cursor;
    },
    error: (err: unknown) => {
      warner.warn(`internal error in the metrics pipeline: ${(err as Error)?.stack ?? String(err)}`);
      events.error(err);
      gate.fail(err);
      finish();
    },
    complete: () => {
      events.complete();
      const failure = sourceFailure();
      if (failure !== null) gate.fail(failure);
      gate.open();
      finish();
    },
  });
  return { latest: () => latest, done, stop: () => subscription.unsubscribe() };
}
