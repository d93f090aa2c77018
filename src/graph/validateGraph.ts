/**
 * Checks a decoded task graph before anything runs, and turns it into the plan the scheduler
 * executes. Pure: the caller reads the file and decides what to do with the problems.
 *
 * Rules:
 * - task ids are unique; every task has a non-empty `verification.command`;
 * - every dependency names a task of the graph, and there is no dependency cycle;
 * - a dependency is never in a *later* level than its dependent. A dependency in the *same* level
 *   is allowed (upstream graphs have them) and honoured: the dependent is not claimed until its
 *   dependency is complete. The `levels` map is optional and only informative.
 */
import * as E from 'fp-ts/Either';
import type { TaskGraph } from './taskGraph';

/** A task ready to run. */
export interface PlannedTask {
  readonly id: string;
  readonly title: string;
  readonly level: number;
  readonly dependencies: readonly string[];
  readonly command: string;
  readonly timeoutMs: number;
}

/** A graph that passed every check. */
export interface ValidGraph {
  readonly feature: string;
  /** In graph order. */
  readonly tasks: readonly PlannedTask[];
  /** Distinct levels, ascending (level 0 allowed, gaps allowed). */
  readonly levels: readonly number[];
}

/** Used when a task gives no `verification.timeout_seconds`. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** A feature name becomes file names in the state dir, so it must be one path segment. */
const FEATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const isValidFeatureName = (name: string): boolean => FEATURE_NAME.test(name) && name.length <= 200;

/** One problem per message; each names the task(s) involved. */
export function validateGraph(graph: TaskGraph, options: { feature?: string } = {}): E.Either<readonly string[], ValidGraph> {
  const problems: string[] = [];
  const feature = options.feature ?? graph.feature;
  if (!isValidFeatureName(feature)) {
    problems.push(`feature name ${JSON.stringify(feature)} is not usable as a file name (letters, digits, '.', '_', '-')`);
  }
  if (graph.tasks.length === 0) problems.push('the graph has no tasks');

  const byId = new Map<string, TaskGraph['tasks'][number]>();
  const seen = new Map<string, number[]>();
  graph.tasks.forEach((task, index) => {
    seen.set(task.id, [...(seen.get(task.id) ?? []), index + 1]);
    if (!byId.has(task.id)) byId.set(task.id, task);
  });
  for (const [id, positions] of seen) {
    if (id.trim() === '') problems.push(`task #${positions[0]} has an empty id`);
    if (positions.length > 1) problems.push(`duplicate task id ${id} (tasks #${positions.join(', #')})`);
  }

  for (const task of byId.values()) {
    const command = task.verification?.command;
    if (typeof command !== 'string' || command.trim() === '') problems.push(`task ${task.id} has no verification.command`);
    const timeout = task.verification?.timeout_seconds;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
      problems.push(`task ${task.id} has an invalid verification.timeout_seconds (${timeout}); expected a number > 0`);
    }
  }

  for (const task of byId.values()) {
    for (const dep of task.dependencies ?? []) {
      const target = byId.get(dep);
      if (target === undefined) problems.push(`task ${task.id} depends on unknown task ${dep}`);
      else if (dep !== task.id && target.level > task.level) {
        problems.push(`task ${task.id} (level ${task.level}) depends on ${dep}, which is in a later level (${target.level})`);
      }
    }
  }

  for (const cycle of findCycles(byId)) problems.push(`dependency cycle: ${cycle.join(' → ')} (each depends on the next)`);

  if (problems.length > 0) return E.left(problems);

  const tasks: PlannedTask[] = [...byId.values()].map((task) => ({
    id: task.id,
    title: task.title ?? task.id,
    level: task.level,
    dependencies: [...new Set(task.dependencies ?? [])],
    command: task.verification?.command ?? '',
    timeoutMs: Math.round((task.verification?.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
  }));
  const levels = [...new Set(tasks.map((task) => task.level))].sort((a, b) => a - b);
  return E.right({ feature, tasks, levels });
}

/**
 * Each dependency cycle once, as a closed path (`A → B → A`). Iterative DFS, so a long chain in a
 * big graph cannot overflow the stack. Unknown dependencies are reported elsewhere and skipped here.
 */
function findCycles(byId: ReadonlyMap<string, { readonly dependencies?: readonly string[] }>): string[][] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  const cycles: string[][] = [];
  const reported = new Set<string>();
  for (const root of byId.keys()) {
    if ((color.get(root) ?? WHITE) !== WHITE) continue;
    const path: string[] = [];
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    color.set(root, GREY);
    path.push(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = (byId.get(frame.id)?.dependencies ?? []).filter((d) => byId.has(d));
      if (frame.next >= deps.length) {
        color.set(frame.id, BLACK);
        stack.pop();
        path.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      const c = color.get(dep) ?? WHITE;
      if (c === GREY) {
        const cycle = [...path.slice(path.indexOf(dep)), dep];
        const key = [...new Set(cycle)].sort().join('\0');
        if (!reported.has(key)) {
          reported.add(key);
          cycles.push(cycle);
        }
      } else if (c === WHITE) {
        color.set(dep, GREY);
        path.push(dep);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return cycles;
}

