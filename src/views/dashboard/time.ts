/**
 * Whole-second durations for things that tick: the run clock, the age of a worker's last event,
 * chart axis labels. (Durations of work use `formatDuration`, with its tenths of a second; a clock
 * that showed tenths would change every frame.)
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `0s`, `42s`, `1m`, `1m05s`, `1h`, `1h05m`; `-` when unknown. Truncated to the second. */
export function formatSeconds(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return s % 60 === 0 ? `${m}m` : `${m}m${pad2(s % 60)}s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m === 0 ? `${h}h` : `${h}h${pad2(m)}m`;
}
