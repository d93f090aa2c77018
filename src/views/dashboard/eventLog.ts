/**
 * The events panel: the newest events that fit, oldest first, with notices about the inputs
 * among them; scrolled back with PgUp, an older window; following the newest, failures that have
 * not recovered stay pinned on top once newer events pushed them out.
 */
import type { FailureRecord, RecentEvent, RunSnapshot } from '../../metrics/snapshot';
import { formatClock, oneLine } from '../format';
import { innerHeight, innerWidth, type Layout } from './layout';
import type { Tone } from './table';

export interface Notice {
  /** Epoch ms. */
  readonly ts: number;
  readonly text: string;
}

export interface LogLine {
  /** HH:MM:SS. */
  readonly time: string;
  readonly text: string;
  readonly tone: Tone;
  /** A failure kept in view although newer events pushed it out of the recent ones. */
  readonly pinned: boolean;
}

export interface LogView {
  /** Lines back from the newest, as far as there are older lines. */
  readonly back: number;
  /** The panel's label: `Events`, or where a scrolled log stands. */
  readonly title: string;
}

export interface EventLogPanel {
  readonly log: readonly LogLine[];
  /** Where the events log stands: lines scrolled back (clamped to what there is) and lines newer than shown. */
  readonly logView: LogView;
}

export interface EventLogContext {
  readonly layout: Layout;
  readonly timeZone: string | undefined;
  readonly notices: readonly Notice[];
  /** Lines scrolled back from the newest (PgUp/PgDn); 0: follows. */
  readonly back: number;
}

const SEVERITY_TONE: Readonly<Record<RecentEvent['severity'], Tone>> = { info: 'normal', warn: 'warn', error: 'alert' };
const SEVERITY_MARK: Readonly<Record<RecentEvent['severity'], string>> = { info: ' ', warn: '!', error: '✗' };

/** A pinned attempt that ended without success: failed (an alert), or interrupted by a stop (a warning). */
const pinnedEntry = (f: FailureRecord): Entry => ({
  ts: f.ts,
  text: `${f.taskId} ${f.kind === 'failed' ? 'failed' : 'interrupted'} (attempt ${f.attempt}${f.workerId !== null ? `, worker ${f.workerId}` : ''})${f.error ? `: ${f.error}` : ''}`,
  severity: f.kind === 'failed' ? 'error' : 'warn',
});

/** A line of the log before formatting: an event, or a notice about the inputs. */
interface Entry {
  readonly ts: number;
  readonly text: string;
  readonly severity: RecentEvent['severity'];
  /** Set for a `task_failed` event: the failure it reports. */
  readonly failedTask?: string;
}

const entryOf = (e: RecentEvent): Entry => ({
  ts: e.ts,
  text: e.summary,
  severity: e.severity,
  ...(e.type === 'task_failed' && e.taskId !== undefined ? { failedTask: e.taskId } : {}),
});

/** Events and notices in time order (a stable sort: at equal times events come first). */
function entriesOf(events: readonly RecentEvent[], notices: readonly Notice[]): Entry[] {
  const entries = events.map(entryOf);
  if (notices.length === 0) return entries;
  return [...entries, ...notices.map((n): Entry => ({ ts: n.ts, text: n.text, severity: 'warn' }))].sort((a, b) => a.ts - b.ts);
}

/** The failures to pin above the `rows - pinned` newest entries: unrecovered ones none of those shows. */
function pinnedFailures(snapshot: RunSnapshot, entries: readonly Entry[], rows: number): { pinned: FailureRecord[]; shown: Entry[] } {
  const pinnable = snapshot.failures.filter((f) => !f.recovered);
  const maxPinned = Math.floor(rows / 3);
  const newest = (count: number): Entry[] => entries.slice(Math.max(0, entries.length - count));
  const unseen = (shown: readonly Entry[]): FailureRecord[] =>
    pinnable.filter((f) => !shown.some((e) => e.failedTask === f.taskId && e.ts === f.ts)).slice(-maxPinned);
  // Pinning takes rows from the events, which can push another failure out: look twice.
  let pinned = unseen(newest(rows));
  pinned = unseen(newest(rows - pinned.length));
  return { pinned, shown: newest(rows - pinned.length) };
}

export function eventLog(snapshot: RunSnapshot, context: EventLogContext): EventLogPanel {
  const following = { back: 0, title: 'Events' };
  const panel = context.layout.log;
  if (!panel) return { log: [], logView: following };
  const rows = innerHeight(panel, true);
  const width = innerWidth(panel, true);
  if (rows <= 0) return { log: [], logView: following };
  const line = (ts: number, mark: string, text: string, tone: Tone, pinned: boolean): LogLine => ({
    time: formatClock(ts, context.timeZone),
    text: `${mark} ${oneLine(text, Math.max(1, width - 11))}`,
    tone,
    pinned,
  });
  const eventLine = (e: Entry): LogLine => line(e.ts, SEVERITY_MARK[e.severity], e.text, SEVERITY_TONE[e.severity], false);

  const entries = entriesOf(snapshot.recentEvents, context.notices);
  const shownBack = Math.max(0, Math.min(Math.trunc(context.back), entries.length - rows));
  if (shownBack > 0) {
    const end = entries.length - shownBack;
    return {
      log: entries.slice(Math.max(0, end - rows), end).map(eventLine),
      logView: { back: shownBack, title: `Events (${shownBack} newer below · End: newest)` },
    };
  }
  const { pinned, shown } = pinnedFailures(snapshot, entries, rows);
  return {
    log: [...pinned.map((f) => ({ ...eventLine(pinnedEntry(f)), pinned: true })), ...shown.map(eventLine)],
    logView: following,
  };
}
