/**
 * `mahabharatha status --task ID`: one task's attempts and the tail of each attempt's output (kept
 * by `rush` under the task logs dir). An unknown id is exit 1 with the ids that come close.
 */
import { printableLine } from '../events/printable';
import { closeTaskIds, taskDetailLines, taskDetailOf } from '../views/taskDetail';
import { attemptTails } from './attemptTails';
import { EXIT, RuntimeError } from './exit';
import type { StatusOptions } from './options';
import { checkNaiveTz, readRun } from './readRun';
import { resolveFeature } from './resolveFeature';

export interface TaskIo {
  readonly stdout: { write(text: string): unknown; readonly columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  readonly timeZone?: string;
}

const processIo = (): TaskIo => ({ stdout: process.stdout, env: process.env, now: Date.now });

export async function statusTaskCommand(opts: StatusOptions, taskId: string, io: TaskIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') throw new RuntimeError(`feature ${printableLine(resolved.feature)} has not run yet: no task has an attempt`);
  const now = io.now();
  const { snapshot } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker);
  const detail = taskDetailOf(snapshot, taskId);
  if (detail === null) {
    const close = closeTaskIds(taskId, snapshot.tasks.map((t) => t.taskId));
    const hint = close.length > 0 ? `; did you mean ${close.map((c) => printableLine(c)).join(', ')}?` : snapshot.tasks.length === 0 ? '; it has no tasks yet' : '';
    throw new RuntimeError(`${printableLine(resolved.feature)} has no task ${printableLine(taskId)}${hint}`);
  }
  const tails = attemptTails(resolved.stateDir, taskId, detail.attempts.map((a) => a.attempt));
  const text = taskDetailLines(detail, { now, tails, ...(io.timeZone !== undefined ? { timeZone: io.timeZone } : {}), ...(io.stdout.columns ? { width: io.stdout.columns } : {}) });
  io.stdout.write(`${text.join('\n')}\n`);
  return EXIT.ok;
}
