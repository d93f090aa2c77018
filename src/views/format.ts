/**
 * Text formatting shared by the printers: durations (upstream's formatter), percentages, the
 * progress bar, wall-clock times, and ANSI colour that turns into a no-op when colour is off.
 * Pure: no clock, no environment; the caller says whether colour is on and which zone to use.
 */
import { printable } from '../events/printable';
import { zoneOffsetMs } from '../events/timestamp';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** True for a duration we can show: a finite, non-negative number. */
const isKnown = (ms: number | null | undefined): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;

/**
 * A duration the way upstream prints it (DESIGN §6): `0ms`, `999ms`, `1.0s`, `59.9s`, `1m`,
 * `1m30s`, `59m59s`, `1h`, `1h30m`; `-` when unknown. Each unit is truncated, never rounded up,
 * so 59,999 ms reads `59.9s` rather than a `60.0s` that is not yet a minute. Below the hour the
 * seconds, and past it the minutes, are two digits (`1m05s`, `2h07m`) so that columns line up.
 * A negative duration is an anomaly the metrics leave out; it is shown as unknown.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (!isKnown(ms)) return '-';
  const whole = Math.trunc(ms);
  if (whole < SECOND) return `${whole}ms`;
  if (whole < MINUTE) return `${Math.trunc(whole / SECOND)}.${Math.trunc((whole % SECOND) / 100)}s`;
  if (whole < HOUR) {
    const minutes = Math.trunc(whole / MINUTE);
    const seconds = Math.trunc((whole % MINUTE) / SECOND);
    return seconds === 0 ? `${minutes}m` : `${minutes}m${pad2(seconds)}s`;
  }
  const hours = Math.trunc(whole / HOUR);
  const minutes = Math.trunc((whole % HOUR) / MINUTE);
  return minutes === 0 ? `${hours}h` : `${hours}h${pad2(minutes)}m`;
}

/** A 0..1 fraction as a whole percentage, truncated (99.9% of the work is not `100%`); `-` when unknown. */
export function formatPercent(fraction: number | null | undefined): string {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return '-';
  const clamped = Math.min(1, Math.max(0, fraction));
  return `${Math.floor(clamped * 100 + 1e-9)}%`;
}

export const BAR_FULL = '█';
const BAR_EMPTY = '░';

/**
 * A progress bar of `width` cells for a 0..1 fraction. Filled cells are truncated so the bar is
 * full only when the work is.
 */
export function progressBar(fraction: number, width = 20): { filled: string; empty: string } {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const cells = Math.floor(f * width + 1e-9);
  return { filled: BAR_FULL.repeat(cells), empty: BAR_EMPTY.repeat(width - cells) };
}

/** The zone's offset from UTC (ms) at a whole-ms instant; an unknown zone is a RangeError, as Intl's own. */
function offsetAt(epochMs: number, timeZone: string): number {
  const offset = zoneOffsetMs(timeZone, epochMs);
  if (offset === null) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
  return offset;
}

/**
 * The wall clock of an instant in `timeZone`, as a Date whose UTC fields read it. In this machine's
 * zone, from `Date`'s local fields: the same zone, and no formatter to build at start-up.
 */
const wallClock = (epochMs: number, timeZone: string | undefined): Date => {
  const whole = Math.floor(epochMs);
  if (timeZone === undefined) {
    const d = new Date(whole);
    return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()));
  }
  return new Date(whole + offsetAt(whole, timeZone));
};

const clockOf = (d: Date): string => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;

/**
 * `HH:MM:SS` of an epoch-ms instant in `timeZone` (an IANA name; default: this machine's zone).
 * `-` when unknown.
 */
export function formatClock(epochMs: number | null | undefined, timeZone?: string): string {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) return '-';
  return clockOf(wallClock(epochMs, timeZone));
}

/** `YYYY-MM-DD HH:MM:SS` in `timeZone`; `-` when unknown. */
export function formatDateTime(epochMs: number | null | undefined, timeZone?: string): string {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) return '-';
  const d = wallClock(epochMs, timeZone);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${clockOf(d)}`;
}

/** ANSI styles the printers use. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const SGR: Readonly<Record<Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** A painter: wraps text in a style when colour is on, returns it unchanged when off. */
export type Paint = (style: Style, text: string) => string;

export const painter = (color: boolean): Paint =>
  color ? (style, text) => (text === '' ? text : `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`) : (_style, text) => text;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Text without its ANSI colour codes. */
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** Columns a string takes on a terminal: colour codes take none; our box and bar characters take one. */
export const visibleWidth = (s: string): number => [...stripAnsi(s)].length;

/** Pads to a visible width (colour codes do not count). */
export const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - visibleWidth(s)));
export const padStart = (s: string, width: number): string => ' '.repeat(Math.max(0, width - visibleWidth(s))) + s;

/** One line of at most `max` visible characters: newlines folded to spaces, an ellipsis when cut. */
export function oneLine(s: string, max: number): string {
  const flat = printable(s).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** `1 task`, `3 tasks`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
