/**
 * The task graph, in upstream's format (`task-graph.json`): `tasks[]` with `id, title, level,
 * dependencies, verification{command, timeout_seconds}`; `levels{}` optional; level 0 allowed.
 * Unknown keys (files, acceptance_criteria, conflict_matrix, ...) are tolerated.
 */
import * as t from 'io-ts';
import { NonNegativeInt } from '../codecs/snakeCase';

export const Verification = t.intersection([
  t.partial({ command: t.string, timeout_seconds: t.number }),
  t.UnknownRecord,
]);

// Named, so that a file that is not a task graph is told what was expected in words.
export const GraphTask = t.intersection(
  [
    t.type({ id: t.string, level: NonNegativeInt }, 'a task {id, level, ...}'),
    t.partial({
      title: t.string,
      description: t.string,
      dependencies: t.array(t.string),
      verification: Verification,
      estimate_minutes: t.number,
    }),
  ],
  'a task {id, level, ...}',
);
export type GraphTask = t.TypeOf<typeof GraphTask>;

export const GraphLevel = t.partial({ name: t.string, tasks: t.array(t.string), parallel: t.boolean });

export const TaskGraph = t.intersection([
  t.type({ feature: t.string, tasks: t.array(GraphTask, 'a list of tasks') }),
  t.partial({ version: t.string, total_tasks: t.number, levels: t.record(t.string, GraphLevel) }),
]);
export type TaskGraph = t.TypeOf<typeof TaskGraph>;
