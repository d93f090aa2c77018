/**
 * Hand-written lifecycle events for tests, folded through the real reducer: `ev('task_claimed', 100,
 * { taskId: 'A', workerId: 1 })` is that event 100 ms after `T0`.
 */
import type { LifecycleEvent } from '../../src/events/codecs';
import { reduce } from '../../src/metrics/reducer';
import { createRunState, type RunState } from '../../src/metrics/runState';
import type { RunSnapshot } from '../../src/metrics/snapshot';
import { snapshotOf } from '../../src/metrics/snapshotOf';

/** 2026-01-27T10:00:00Z: hand-written runs start here. */
export const T0 = Date.UTC(2026, 0, 27, 10, 0, 0);

export type EventData<K extends LifecycleEvent['type']> = Extract<LifecycleEvent, { type: K }>['data'];

/** An event `dt` ms after `T0`. */
export const ev = <K extends LifecycleEvent['type']>(type: K, dt: number, data: EventData<K>): LifecycleEvent =>
  ({ type, ts: T0 + dt, data }) as LifecycleEvent;

/** Folds `events` into `state` (by default a new run of feature `f`). */
export const fold = (events: readonly LifecycleEvent[], state: RunState = createRunState('f')): RunState =>
  events.reduce((s, event) => reduce(s, { kind: 'event', event }), state);

/** The snapshot at `now` of `events` folded into a new run of `feature`. */
export const snapshotAt = (events: readonly LifecycleEvent[], now: number, feature = 'f'): RunSnapshot => snapshotOf(fold(events, createRunState(feature)), now);
