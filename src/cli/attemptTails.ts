/** The output `rush` kept of a task's attempts, for `status --task` and the dashboard's task detail. */
import * as path from 'node:path';
import { attemptLogPath } from '../state/layout';
import { readTail } from '../state/readTail';
import { type LogTail, TAIL_LINES } from '../views/taskDetail';

/** The last lines of each attempt's log that `rush` kept (an attempt without one is left out). */
export function attemptTails(stateDir: string, taskId: string, attempts: readonly number[]): Map<number, LogTail> {
  const tails = new Map<number, LogTail>();
  for (const attempt of attempts) {
    const file = attemptLogPath(stateDir, taskId, attempt);
    const lines = readTail(file, TAIL_LINES);
    if (lines !== null) tails.set(attempt, { file: path.relative(process.cwd(), file) || file, lines });
  }
  return tails;
}
