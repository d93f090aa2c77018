/**
 * The progress lines `rush` prints: one per level start/end and per task outcome, each prefixed
 * with the time since the run started. Pure formatting.
 *
 *   [00:03] ✓ T-2 (level 1) on worker 1 in 1.2s
 *   [00:04] ✗ T-3 attempt 1/3 failed on worker 2: exit 1 — retrying in 0.5s
 *   [00:05] level 1 complete in 4.1s (3 tasks)
 */
import type { Progress } from './scheduler';

/** `[mm:ss]`, or `[h:mm:ss]` past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `[${h}:${mm}:${ss}]` : `[${mm}:${ss}]`;
}

/** Seconds with one decimal below a minute (`1.2s`), then `1m05s`, `1h02m`. */
export function formatSeconds(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(safe / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(totalSeconds / 3600)}h${String(Math.floor((totalSeconds % 3600) / 60)).padStart(2, '0')}m`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A graph's size as the start and end lines say it: `8 tasks in 4 levels`, `1 task in 1 level`. */
export const graphSize = (tasks: number, levels: number): string => `${plural(tasks, 'task')} in ${plural(levels, 'level')}`;

/** `on 3 workers`, `on 1 worker`. */
export const onWorkers = (workers: number): string => `on ${plural(workers, 'worker')}`;

export function formatProgress(p: Progress, runStartedAt: number): string {
  const stamp = formatElapsed(p.at - runStartedAt);
  switch (p.kind) {
    case 'level_started': {
      const done = p.alreadyComplete > 0 ? `, ${p.alreadyComplete} already complete` : '';
      return `${stamp} level ${p.level} started (${plural(p.tasks, 'task')}${done})`;
    }
    case 'task_complete': {
      const retried = p.attempt > 1 ? ` (attempt ${p.attempt})` : '';
      return `${stamp} ✓ ${p.taskId} (level ${p.level}) on worker ${p.workerId} in ${formatSeconds(p.durationMs)}${retried}`;
    }
    case 'task_failed': {
      const then = p.retryInMs === null ? ' — no retries left' : ` — retrying in ${formatSeconds(p.retryInMs)}`;
      return `${stamp} ✗ ${p.taskId} attempt ${p.attempt}/${p.maxAttempts} failed on worker ${p.workerId}: ${p.error}${then}`;
    }
    case 'level_complete':
      return `${stamp} level ${p.level} complete in ${formatSeconds(p.durationMs)} (${plural(p.tasks, 'task')})`;
    case 'level_failed': {
      const blocked = p.blocked.length > 0 ? `; not run: ${p.blocked.join(', ')}` : '';
      return `${stamp} level ${p.level} failed: ${p.failed.join(', ') || 'no task could run'}${blocked}`;
    }
  }
}
