import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRunState } from '../../src/metrics/runState';
import { emptySnapshot, snapshotOf } from '../../src/metrics/snapshotOf';
import { ev, snapshotAt, T0 } from '../helpers/events';

const Empty = suite('emptySnapshot');

Empty('is a pending run of the feature with no figures made up', () => {
  const s = emptySnapshot('f', T0);
  assert.equal([s.feature, s.status, s.startedAt, s.endedAt, s.currentLevel, s.sizeKnown], ['f', 'pending', null, null, null, false]);
  assert.equal([s.metrics.tasksTotal, s.metrics.tasksCompleted, s.metrics.workersUsed, s.metrics.totalDurationMs, s.metrics.progress], [0, 0, 0, null, 0]);
  assert.equal([s.tasks, s.failures, s.attempts, s.recentEvents, s.metrics.workerMetrics, s.metrics.levelMetrics], [[], [], [], [], [], []]);
  assert.is(s.metrics.computedAt, '2026-01-27T10:00:00.000Z');
  assert.is(s.metrics.etaMs, null, 'no task known: no estimate, not "done in 0 s"');
});

Empty('is what folding no event gives, and differs from a run with one', () => {
  assert.equal(emptySnapshot(null, T0), snapshotOf(createRunState(null), T0));
  const one = snapshotAt([ev('rush_started', 0, { totalTasks: 3 })], T0 + 10);
  assert.is(one.status, 'running');
  assert.is.not(emptySnapshot('f', T0 + 10).status, one.status);
});

Empty.run();
