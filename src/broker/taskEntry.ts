/**
 * A task on the work queue (`mahabharatha:{feature}:tasks`): what a worker needs to run one attempt.
 * Workers decode it (an entry is input from another host); a malformed one is acknowledged and
 * reported, never run.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { describeErrors } from '../codecs/snakeCase';

const Digits = new t.Type<number, string, unknown>(
  'Digits',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^\d{1,15}$/.test(u) ? t.success(Number(u)) : t.failure(u, c, 'expected a whole number')),
  String,
);

export const QueuedTask = t.type({ taskId: t.string, level: Digits, command: t.string, timeoutMs: Digits, attempt: Digits });
export type QueuedTask = t.TypeOf<typeof QueuedTask>;

const FIELD_NAMES: Readonly<Record<keyof QueuedTask, string>> = { taskId: 'task_id', level: 'level', command: 'command', timeoutMs: 'timeout_ms', attempt: 'attempt' };

export function taskFields(task: QueuedTask): string[] {
  const encoded = QueuedTask.encode(task);
  return (Object.keys(FIELD_NAMES) as (keyof QueuedTask)[]).flatMap((k) => [FIELD_NAMES[k], String(encoded[k])]);
}

export function decodeTask(fields: readonly string[]): E.Either<string, QueuedTask> {
  const byName = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) byName.set(fields[i] as string, fields[i + 1] as string);
  const raw = Object.fromEntries((Object.keys(FIELD_NAMES) as (keyof QueuedTask)[]).map((k) => [k, byName.get(FIELD_NAMES[k])]));
  return E.mapLeft(describeErrors)(QueuedTask.decode(raw));
}
