/**
 * Persistence of the fold (persist mode, DESIGN §2): the state file is written throttled
 * (`persistThrottled`), at once when the live run completes a level — a level completed in the
 * replay of old events needs no write of its own, the throttled ones cover it —, and on `flush()`.
 * A cursor that folded nothing since the last write is not written again.
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { checkpointOf } from '../metrics/checkpoint';
import { snapshotOf } from '../metrics/snapshotOf';
import { applySnapshot } from '../state/fromSnapshot';
import type { StateManager } from '../state/stateManager';
import type { RunCursor } from './accumulateMetrics';
import { persistThrottled } from './persistThrottled';
import { describeError } from './warnings';

export interface PersistenceOptions {
  readonly manager: StateManager;
  /** Inputs folded as of the state on disk: 0 when a restored checkpoint is there, -1 when nothing is. */
  readonly savedFolded: number;
  readonly now: () => number;
  readonly intervalMs: number;
  /** Whether the run is live (its replay is over). */
  readonly live: () => boolean;
  /** Told of a failed write; true means the caller deals with it (no warning, no retry said). */
  readonly onWriteError?: (error: unknown) => boolean;
  readonly warn: (message: string) => void;
  /** Times the throttled writes (default: RxJS's async scheduler). */
  readonly scheduler?: SchedulerLike;
}

export interface Persistence {
  /** Writes `latest` now, unless it is on disk already. */
  flush(latest: RunCursor | null): Promise<void>;
  /** Stops the throttled writes. */
  stop(): void;
}

const completesALevel = (c: RunCursor): boolean => c.batch.some((i) => i.kind === 'event' && i.event.type === 'level_complete');

/** Writes the state of `cursor$` through `manager`; nothing at all without a manager. */
export function persistRun(cursor$: Observable<RunCursor>, options: PersistenceOptions | null): Persistence {
  if (options === null) return { flush: () => Promise.resolve(), stop: () => undefined };
  const { manager, now } = options;
  let savedFolded = options.savedFolded;
  const save = (cursor: RunCursor): Promise<void> => {
    if (cursor.folded === savedFolded) return Promise.resolve();
    const folded = cursor.folded;
    manager.replace(applySnapshot(manager.state, snapshotOf(cursor.run, now()), checkpointOf(cursor.run)));
    return manager.save().then(() => {
      savedFolded = folded;
    });
  };
  const subscription: Subscription = cursor$
    .pipe(
      persistThrottled(save, {
        intervalMs: options.intervalMs,
        immediately: (c) => options.live() && completesALevel(c),
        ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      }),
    )
    .subscribe((outcome) => {
      if (outcome.ok || options.onWriteError?.(outcome.error) === true) return;
      options.warn(`cannot write ${manager.file} (${describeError(outcome.error)}); will retry`);
    });
  return {
    flush: async (latest) => {
      if (latest !== null) await save(latest);
    },
    stop: () => subscription.unsubscribe(),
  };
}
