/**
 * Task levels from a feature's task graph, for state files that do not record them (upstream).
 * Read-only; an absent or unreadable graph gives no levels (and a reason), never invented ones.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { describeErrors } from '../codecs/snakeCase';
import { TaskGraph } from '../orchestrator/taskGraph';

export type GraphRead = { readonly graph: TaskGraph | null; readonly warning: string | null };

export function readTaskGraph(file: string): GraphRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { graph: null, warning: code === 'ENOENT' ? null : `cannot read task graph ${file}: ${code ?? (err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { graph: null, warning: `task graph ${file} is not JSON: ${(err as Error).message}` };
  }
  const graph = TaskGraph.decode(parsed);
  if (E.isLeft(graph)) return { graph: null, warning: `task graph ${file} is not a task graph: ${describeErrors(graph.left)}` };
  return { graph: graph.right, warning: null };
}

/** `taskId → level` from a graph (undefined for a task it does not list). */
export function levelsOf(graph: TaskGraph | null): ((taskId: string) => number | undefined) | undefined {
  if (graph === null) return undefined;
  const levels = new Map(graph.tasks.map((t) => [t.id, t.level]));
  return (taskId) => levels.get(taskId);
}
