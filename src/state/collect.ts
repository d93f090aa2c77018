/** The batch fold: a state file → the snapshot of the run it records, through the one reducer. */
import type { StateFile } from './codecs';
import { reduce } from '../metrics/reducer';
import { createRunState } from '../metrics/runState';
import { snapshotOf } from '../metrics/snapshotOf';
import type { RunSnapshot } from '../metrics/snapshot';
import { eventsFromState, type StateEventsOptions } from './stateEvents';

/** The run a state file records, as the reducer sees it. */
export function collectFromState(state: StateFile, now: number, options: StateEventsOptions = {}): RunSnapshot {
  let run = createRunState(state.feature);
  for (const event of eventsFromState(state, options).events) run = reduce(run, { kind: 'event', event });
  return snapshotOf(run, now);
}

