/**
 * The attempts of a run as CSV for spreadsheets (RFC 4180): a header, then one row per task
 * attempt, CRLF line ends, a field quoted when it holds a comma, a quote or a line break. Pure.
 */
import { formatTimestampOrNull } from '../events/timestamp';
import type { RunSnapshot } from '../metrics/snapshot';
import { attemptSpan } from './traceExport';

const COLUMNS = ['task_id', 'level', 'attempt', 'worker_id', 'outcome', 'claimed_at', 'started_at', 'ended_at', 'duration_ms', 'exit_code', 'error'] as const;

type Field = string | number | null;

/** One RFC 4180 field: quoted (quotes doubled) only when it must be; null is empty. */
export function csvField(value: Field): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const row = (fields: readonly Field[]): string => `${fields.map(csvField).join(',')}\r\n`;

export function renderAttemptsCsv(snapshot: RunSnapshot, now: number): string {
  const levels = new Map(snapshot.tasks.map((t) => [t.taskId, t.level ?? null]));
  const lines = [row(COLUMNS)];
  for (const a of snapshot.attempts) {
    const { start, end } = attemptSpan(a, now);
    // Claim → end, as in the trace; an attempt still running has no duration yet.
    const duration = a.endedAt === null ? null : Math.round(end - start);
    lines.push(
      row([
        a.taskId,
        levels.get(a.taskId) ?? null,
        a.attempt,
        a.workerId,
        a.outcome,
        formatTimestampOrNull(a.claimedAt),
        formatTimestampOrNull(a.startedAt),
        formatTimestampOrNull(a.endedAt),
        duration,
        a.exitCode,
        a.error,
      ]),
    );
  }
  return lines.join('');
}
