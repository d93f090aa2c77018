import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ValidGraph } from '../../src/graph/validateGraph';
import type { LifecycleEvent } from '../../src/events/codecs';
import { planLevels } from '../../src/orchestrator/planLevels';
import { snapshotAt } from '../helpers/events';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const events = generateRun(mulberry32(9), { workers: 2, tasksPerLevel: [2, 2, 1], failRate: 0, producer: 'p' });
const graph: ValidGraph = {
  feature: 'f',
  levels: [1, 2, 3],
  tasks: events.flatMap((e) => (e.type === 'task_created' && e.data.level !== undefined ? [{ id: e.data.taskId, title: e.data.taskId, level: e.data.level, dependencies: [], command: 'true', timeoutMs: 1000 }] : [])),
};

/** What the run recorded up to (and with) the first event `until` selects, and its complete tasks. */
function recorded(until: (e: LifecycleEvent) => boolean) {
  const snapshot = snapshotAt(events.slice(0, events.findIndex(until) + 1), events[events.length - 1]?.ts ?? 0);
  return { snapshot, complete: new Set(snapshot.tasks.filter((t) => t.status === 'complete').map((t) => t.taskId)) };
}

const Plan = suite('planLevels');

Plan('a fresh run plans every level with all its tasks, none started', () => {
  const { snapshot, complete } = recorded((e) => e.type === 'rush_started');
  const plans = planLevels(graph, snapshot, complete);
  assert.equal(plans.map((p) => [p.level, p.tasks.length, p.startedAt]), [[1, 2, null], [2, 2, null], [3, 1, null]]);
});

Plan('a resumed run starts at the lowest level not recorded complete, which keeps its start', () => {
  const levelTwoStarted = (e: LifecycleEvent): boolean => e.type === 'level_started' && e.data.level === 2;
  const { snapshot, complete } = recorded(levelTwoStarted);
  const plans = planLevels(graph, snapshot, complete);
  assert.equal(plans.map((p) => p.level), [2, 3]);
  assert.is(plans[0]?.startedAt, events.find(levelTwoStarted)?.ts);
});

Plan('a run recorded complete has nothing left', () => {
  const { snapshot, complete } = recorded((e) => e.type === 'rush_completed');
  assert.equal(planLevels(graph, snapshot, complete), []);
});

Plan.run();
