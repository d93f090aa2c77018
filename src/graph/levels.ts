/**
 * Task levels from a feature's task graph, for state files that do not record them (upstream).
 * An absent graph gives no levels, never invented ones.
 */
import type { TaskGraph } from './taskGraph';

/** `taskId → level` from a graph (undefined for a task it does not list); undefined without a graph. */
export function levelsOf(graph: TaskGraph | null): ((taskId: string) => number | undefined) | undefined {
  if (graph === null) return undefined;
  const levels = new Map(graph.tasks.map((t) => [t.id, t.level]));
  return (taskId) => levels.get(taskId);
}
