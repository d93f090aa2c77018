/**
 * What is left to run of a graph, given what a run recorded (a resumed run): the levels from the
 * lowest one not recorded complete, each with the tasks of the graph in it (the scheduler skips
 * those already complete) and when it started, if it did.
 */
import type { ValidGraph } from '../graph/validateGraph';
import type { RunSnapshot } from '../metrics/snapshot';
import type { LevelPlan } from './scheduler';

export function planLevels(graph: ValidGraph, previous: RunSnapshot, complete: ReadonlySet<string>): LevelPlan[] {
  const recorded = new Map(previous.metrics.levelMetrics.map((l) => [l.level, l]));
  const plans: LevelPlan[] = [];
  for (const level of graph.levels) {
    const tasks = graph.tasks.filter((t) => t.level === level);
    const info = recorded.get(level);
    const finished = tasks.every((t) => complete.has(t.id)) && info !== undefined && info.completedAt !== null;
    if (finished && plans.length === 0) continue;
    plans.push({ level, tasks, startedAt: info?.startedAt ?? null });
  }
  return plans;
}
