/**
 * Named crash points, for the crash tests: a process started with
 * `MAHABHARATHA_PAUSE_AT=<point>[@<n>]` that reaches `<point>` for the n-th time (the first by
 * default) writes `paused at <point>@<n>` on stderr and blocks for good, so that the test can
 * SIGKILL it exactly there and check what a crash at that moment leaves behind. The variable is
 * read once; without it (always, outside those tests) a point is one comparison.
 */
import * as fs from 'node:fs';

export type PausePoint =
  /** The temp file is written, synced and closed; the target still holds the previous content. */
  | 'before-rename'
  /** The target holds the new content; the directory is not synced yet. */
  | 'after-rename'
  /** The first half of a line is appended to the events log, the rest is not. */
  | 'mid-append';

interface Wanted {
  readonly point: string;
  readonly nth: number;
}

function wantedOf(value: string | undefined): Wanted | null {
  const m = /^([a-z-]+)(?:@([1-9]\d*))?$/.exec(value ?? '');
  return m === null ? null : { point: m[1] as string, nth: Number(m[2] ?? 1) };
}

const wanted = wantedOf(process.env.MAHABHARATHA_PAUSE_AT);
let reached = 0;

/**
 * Pauses this process for good when it is the point (and the time) `MAHABHARATHA_PAUSE_AT` names,
 * after `halfDone` (what a crash there has done of the step: half a line written).
 */
export function pausePoint(point: PausePoint, halfDone?: () => void): void {
  if (wanted === null || wanted.point !== point) return;
  reached += 1;
  if (reached !== wanted.nth) return;
  halfDone?.();
  fs.writeSync(2, `paused at ${point}@${reached}\n`);
  // A synchronous wait that never ends: nothing of this process runs again before the kill.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
