/**
 * What the dashboard says about its keys: the help overlay's lines and the footer's hint, the
 * longest that fits. The keys themselves are handled by `uiReducer` (ui.ts).
 */

export const HELP_LINES: readonly string[] = [
  'q, Ctrl-C   quit',
  'Esc         close this window / quit',
  '?           this help',
  '↑ / ↓       select a worker',
  'Enter       the selected worker’s tasks,',
  '            then the chosen task’s attempts',
  'PgUp/PgDn   scroll the events (or the tasks)',
  'End         back to the newest events',
  'p           pause / resume updates',
  '',
  'STALLED: a live worker whose heartbeats',
  'stopped for --stall-after. FOR: how long',
  'its task has run. ETA is an estimate.',
];

/** The footer's key hints, longest first; `{p}` is what p does now (pause, or resume). */
const HINTS: readonly string[] = [
  'q quit · ? help · ↑/↓ select worker · Enter tasks · PgUp/PgDn events · p {p}',
  'q quit · ? help · ↑/↓ select worker · Enter tasks · p {p}',
  'q quit  ? help  ↑↓ worker  Enter tasks  p {p}',
  'q quit ? help ↑↓ worker ⏎ tasks p {p}',
  'q quit  ? help  p {p}',
  'q quit  ? help',
];

/** The longest key hint that fits `width`, saying what p does now (PgUp/PgDn only where there is an events log). */
export function hintFor(width: number, paused: boolean, hasLog: boolean): string {
  const action = paused ? 'resume' : 'pause';
  return (
    HINTS.filter((h) => hasLog || !h.includes('PgUp'))
      .map((h) => h.replace('{p}', action))
      .find((h) => h.length <= width) ?? ''
  );
}
