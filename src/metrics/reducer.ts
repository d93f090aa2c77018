/**
 * The reducer (DESIGN §2, §4.3): `(RunState, ReducerInput) → RunState`, pure, total and clock-free.
 * For speed the accumulator is updated in place; create one per subscription (`createRunState`
 * inside `defer`), never share it. `snapshotOf` turns it into an immutable `RunSnapshot`.
 */
import type { LifecycleEvent } from '../events/codecs';
import type { RejectionReason } from '../events/decode';
import type { IngestCounter, RunSnapshot } from './snapshot';

/** What flows into `scan`: a decoded event, a rejected input, or a counter bumped upstream of it. */
export type ReducerInput =
  | { readonly kind: 'event'; readonly event: LifecycleEvent; /** byte offset after this event's line */ readonly offset?: number }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason }
  | { readonly kind: 'count'; readonly counter: IngestCounter; readonly by?: number };

export interface RunState {
  __todo: never;
}

export declare function createRunState(feature: string | null): RunState;
export declare function reduce(state: RunState, input: ReducerInput): RunState;
export declare function snapshotOf(state: RunState, now: number): RunSnapshot;
