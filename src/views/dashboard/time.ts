/**
 * Whole-second durations for things that tick: the run clock, the age of a worker's last event,
 * chart axis labels. (Durations of work use `formatDuration`, with its tenths of a second; a clock
 * that showed tenths would change every frame.)
 */
import { formatDuration } from '../format';

/** `0s`, `42s`, `1m`, `1m05s`, `1h`, `1h05m`; `-` when unknown. Truncated to the second. */
export function formatWholeSeconds(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  // From a minute on, whole seconds read as `formatDuration` prints them.
  return s < 60 ? `${s}s` : formatDuration(s * 1000);
}
