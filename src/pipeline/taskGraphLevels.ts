/**
 * Task levels from a feature's task graph, for state files that do not record them (upstream).
 * Read-only; an absent or unreadable graph gives no levels (and a reason), never invented ones.
 */
import * as E from 'fp-ts/Either';
import { readGraphFile } from '../orchestrator/readGraph';
import type { TaskGraph } from '../orchestrator/taskGraph';

export type GraphRead = { readonly graph: TaskGraph | null; readonly warning: string | null };

/** The graph when there is a readable one; a missing graph is no warning (most runs have none). */
export function readTaskGraph(file: string): GraphRead {
  const read = readGraphFile(file);
  if (E.isRight(read)) return { graph: read.right, warning: null };
  return { graph: null, warning: read.left.missing ? null : read.left.message };
}

/** `taskId → level` from a graph (undefined for a task it does not list). */
export function levelsOf(graph: TaskGraph | null): ((taskId: string) => number | undefined) | undefined {
  if (graph === null) return undefined;
  const levels = new Map(graph.tasks.map((t) => [t.id, t.level]));
  return (taskId) => levels.get(taskId);
}
