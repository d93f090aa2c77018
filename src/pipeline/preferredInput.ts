/**
 * Which input describes a feature's run when both its events log and its state file may be read
 * (`status`, and a dashboard that does not know who runs the feature). Never both: events derived
 * from a state file carry no `seq`, so every event would count twice.
 *
 * - Our state file holds a checkpoint: the log (the checkpoint says where in it the fold stands).
 * - An upstream orchestrator's state (tasks or workers, no checkpoint) is the full record: its
 *   events log holds only a few event types, so folding that instead would lose tasks and workers.
 * - Otherwise the log when there is one, else the state file; with neither yet, whichever speaks first.
 */
import type { StateFile } from '../state/codecs';

export type InputMode = 'log' | 'state' | 'undecided';

export const storedCheckpoint = (state: StateFile | null): unknown => (state?.metrics as { checkpoint?: unknown } | null | undefined)?.checkpoint ?? null;

/** Whether a record has a key (without listing a state file's 100k tasks to find out). */
const hasKeys = (record: object | undefined): boolean => {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
};

const isUpstreamState = (state: StateFile): boolean => hasKeys(state.tasks) || hasKeys(state.workers);

export function preferredInput(logExists: boolean, state: StateFile | null): InputMode {
  if (storedCheckpoint(state) !== null) return 'log';
  if (state !== null && isUpstreamState(state)) return 'state';
  if (logExists) return 'log';
  return state !== null ? 'state' : 'undecided';
}
