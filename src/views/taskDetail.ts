/**
 * One task in detail (`status --task ID`, Enter on a task in the dashboard): each attempt with its
 * worker, claim/start/end, duration and how it ended (exit code, interruption), then the tail of
 * the output it left. Pure: the snapshot and the log tails (read by the caller) in, lines out;
 * every string from input passes `printable` here.
 */
import { printableLine } from '../events/printable';
import type { AttemptRecord } from '../metrics/attempts';
import type { RunSnapshot, TaskMetrics } from '../metrics/snapshot';
import { formatClock, formatDuration, oneLine, plural } from './format';

/** Lines of output shown per attempt. */
export const TAIL_LINES = 20;

/** The end of one attempt's log, as read by the caller. */
export interface LogTail {
  /** The log's path as the user should see it. */
  readonly file: string;
  /** Its last lines (at most `TAIL_LINES`), raw. */
  readonly lines: readonly string[];
}

export interface TaskDetail {
  readonly task: TaskMetrics;
  readonly attempts: readonly AttemptRecord[];
}

export function taskDetailOf(snapshot: RunSnapshot, taskId: string): TaskDetail | null {
  const task = snapshot.tasks.find((t) => t.taskId === taskId);
  if (task === undefined) return null;
  return { task, attempts: snapshot.attempts.filter((a) => a.taskId === taskId) };
}

/** "failed, exit 3", "interrupted", "complete", "running". */
export function attemptOutcomeText(a: AttemptRecord): string {
  switch (a.outcome) {
    case 'failed':
      return a.exitCode !== null ? `failed, exit ${a.exitCode}` : 'failed';
    case 'abandoned':
      return 'abandoned (its worker went away)';
    default:
      return a.outcome;
  }
}

export interface TaskDetailOptions {
  readonly now: number;
  readonly timeZone?: string;
  /** Per attempt number, the tail of its log; absent: no log kept. */
  readonly tails: ReadonlyMap<number, LogTail>;
  /** Longest line printed (output lines are cut to it). */
  readonly width?: number;
}

export function taskDetailLines(detail: TaskDetail, options: TaskDetailOptions): string[] {
  const { task, attempts } = detail;
  const width = Math.max(20, options.width ?? 120);
  const clock = (ms: number | null): string => formatClock(ms, options.timeZone);
  const lines = [
    `Task ${printableLine(task.taskId)} · level ${task.level ?? '-'} · ${printableLine(task.status ?? '-')} · ${plural(attempts.length, 'attempt')}`,
  ];
  if (attempts.length === 0) lines.push('  not claimed yet');
  for (const a of attempts) {
    const end = a.endedAt ?? options.now;
    const start = a.claimedAt ?? a.startedAt;
    const took = start === null ? null : end - start;
    lines.push('');
    lines.push(`Attempt ${a.attempt} · worker ${a.workerId ?? '-'} · ${attemptOutcomeText(a)}`);
    lines.push(`  claimed ${clock(a.claimedAt)}  started ${clock(a.startedAt)}  ended ${clock(a.endedAt)}  ${a.endedAt === null ? 'running for' : 'took'} ${formatDuration(took)}`);
    if (a.error !== null) lines.push(`  error: ${oneLine(a.error, width - 9)}`);
    const tail = options.tails.get(a.attempt);
    if (tail === undefined) continue;
    lines.push(tail.lines.length === 0 ? `  no output (${printableLine(tail.file)})` : `  last ${plural(tail.lines.length, 'line')} of ${printableLine(tail.file)}:`);
    for (const line of tail.lines) lines.push(`  │ ${cut(printableLine(line), width - 4)}`);
  }
  return lines;
}

const cut = (s: string, max: number): string => {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
};

/** Edit distance (insertions, deletions, substitutions) between two strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Task ids like `id`: the same but for case, containing it, or a few edits away; closest first. */
export function closeTaskIds(id: string, ids: readonly string[], max = 5): string[] {
  const wanted = id.toLowerCase();
  const scored: Array<[string, number]> = [];
  for (const candidate of ids) {
    const c = candidate.toLowerCase();
    const d = c === wanted ? 0 : c.includes(wanted) || wanted.includes(c) ? 1 : distance(wanted, c) + 1;
    if (d <= Math.max(3, Math.floor(wanted.length / 3) + 1)) scored.push([candidate, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}
