import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factsOf, levelSizes } from '../../src/metrics/runFacts';
import { snapshotOfEvents, type EventInit } from '../views/textRuns';

/** 3 workers; level 1 (3 tasks of 2 s) done at 2 s; level 2 (4 tasks) started at 2 s with 3 claimed. */
const events: EventInit[] = [
  ['rush_started', 0, { workers: 3, totalTasks: 9 }],
  ...(['A', 'B', 'C'] as const).map((id): EventInit => ['task_created', 0, { taskId: `L1-${id}`, level: 1 }]),
  ...(['A', 'B', 'C', 'D'] as const).map((id): EventInit => ['task_created', 0, { taskId: `L2-${id}`, level: 2 }]),
  ...(['A', 'B'] as const).map((id): EventInit => ['task_created', 0, { taskId: `L3-${id}`, level: 3 }]),
  ...[1, 2, 3].map((w): EventInit => ['worker_started', 0, { workerId: w }]),
  ['level_started', 0, { level: 1 }],
  ...(['A', 'B', 'C'] as const).flatMap((id, i): EventInit[] => [
    ['task_claimed', 0, { taskId: `L1-${id}`, workerId: i + 1 }],
    ['task_complete', 2000, { taskId: `L1-${id}`, workerId: i + 1, durationMs: 2000 }],
  ]),
  ['level_complete', 2000, { level: 1 }],
  ['level_started', 2000, { level: 2 }],
  ...(['A', 'B', 'C'] as const).map((id, i): EventInit => ['task_claimed', 2000, { taskId: `L2-${id}`, workerId: i + 1 }]),
];

const facts = suite('factsOf');

facts('estimates level by level: what the running tasks have left, the queued ones in rounds, then later levels', () => {
  // At 2.5 s: level 2's three tasks have 1.5 s left, L2-D takes a 2 s round after them; level 3's two tasks one round.
  const f = factsOf(snapshotOfEvents('f', events, 2500), { now: 2500 });
  assert.is(f.status, 'running');
  assert.is(f.total, 9);
  assert.is(f.etaMs, 1500 + 2000 + 2000);
  // Tasks that have run past the mean are counted as ending now: the rest of the work still stands.
  assert.is(factsOf(snapshotOfEvents('f', events, 9000), { now: 9000 }).etaMs, 0 + 2000 + 2000);
});

facts('gives no ETA and no fraction when the size is unknown, and takes it from the graph when there is one', () => {
  const undeclared = snapshotOfEvents('f', events.slice(1), 2500);
  const unknown = factsOf(undeclared, { now: 2500 });
  assert.equal([unknown.sizeKnown, unknown.total, unknown.fraction, unknown.etaMs], [false, null, null, null]);
  const graph = levelSizes([...undeclared.tasks.map((t) => ({ level: t.level ?? 0 })), { level: 4 }]);
  const known = factsOf(undeclared, { now: 2500, graphLevels: graph });
  assert.equal([known.total, known.fraction], [10, 0.3]);
  assert.is(known.etaMs, 1500 + 2000 + 2000 + 2000, 'the graph’s level 4 adds a round');
  assert.equal(known.levels.map((l) => [l.level, l.phase, l.taskCount]), [[1, 'done', 3], [2, 'running', 4], [3, 'pending', 2], [4, 'pending', 1]]);
});

facts('a run whose orchestrator is gone is abandoned, its running level stopped, with no ETA', () => {
  const f = factsOf(snapshotOfEvents('f', events, 2500), { now: 2500, orchestratorGone: true });
  assert.is(f.status, 'abandoned');
  assert.is(f.etaMs, null);
  assert.equal(f.levels.map((l) => l.phase), ['done', 'stopped', 'pending']);
  assert.is(f.levels[1]?.durationMs, 0, 'measured to its last event, not to now');
});

facts('a complete run needs no estimate: 0, and every level done', () => {
  const done: EventInit[] = [['rush_started', 0, { workers: 1, totalTasks: 1 }], ['task_created', 0, { taskId: 'A', level: 1 }], ['task_claimed', 0, { taskId: 'A', workerId: 1 }], ['task_complete', 10, { taskId: 'A', workerId: 1 }], ['rush_completed', 20, {}]];
  const f = factsOf(snapshotOfEvents('f', done, 5000), { now: 5000 });
  assert.equal([f.status, f.etaMs, f.fraction, f.clockEnd], ['complete', 0, 1, 20]);
});

facts('a level still running after a resume leaves out the time the run stood stopped', () => {
  const resumed: EventInit[] = [
    ['rush_started', 0, { workers: 1, totalTasks: 2 }],
    ['task_created', 0, { taskId: 'A', level: 1 }],
    ['task_created', 0, { taskId: 'B', level: 1 }],
    ['worker_started', 0, { workerId: 1 }],
    ['level_started', 0, { level: 1 }],
    ['task_claimed', 0, { taskId: 'A', workerId: 1 }],
    ['task_interrupted', 1000, { taskId: 'A', workerId: 1, reason: 'signal' }],
    ['worker_stopped', 1000, { workerId: 1 }],
    ['rush_stopped', 1000, { reason: 'signal' }],
    ['worker_started', 5000, { workerId: 1 }],
    ['task_claimed', 5000, { taskId: 'A', workerId: 1 }],
  ];
  const f = factsOf(snapshotOfEvents('f', resumed, 6000), { now: 6000 });
  assert.is(f.status, 'running');
  assert.equal([f.levels[0]?.phase, f.levels[0]?.durationMs], ['running', 1000 + 1000]);
});

facts.run();
