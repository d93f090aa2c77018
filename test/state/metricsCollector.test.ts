import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsCollector } from '../../src/state/metricsCollector';
import { StateManager } from '../../src/state/stateManager';
import { withTempDir } from '../helpers/tempDir';

const T0 = Date.UTC(2026, 0, 27, 9, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;

/**
 * A run recorded through the seed's StateManager API: two workers; level 1 = A, B; level 2 = C.
 * B fails once on worker 1 (its later attempt is not recorded: it stays failed).
 */
function recordedRun(dir: string): StateManager {
  const m = new StateManager({ stateDir: dir, feature: 'seed' });
  m.recordRunStarted(s(0));
  m.recordWorkerStarted(0, s(0));
  m.recordWorkerReady(0, s(1.2));
  m.recordWorkerStarted(1, s(0));
  m.recordWorkerReady(1, s(1.1));
  for (const [id, level] of [['A', 1], ['B', 1], ['C', 2]] as const) m.recordTaskCreated(id, level, s(0));
  m.recordLevelStarted(1, s(2));
  m.recordTaskClaimed('A', 0, s(2));
  m.recordTaskStarted('A', 0, s(3));
  m.recordTaskDuration('A', 45_000);
  m.recordTaskCompleted('A', s(48));
  m.recordTaskClaimed('B', 1, s(2.5));
  m.recordTaskStarted('B', 1, s(2.5));
  m.recordTaskFailed('B', 'exit 1', s(10));
  m.recordLevelComplete(1, s(50), 'failed');
  m.recordTaskClaimed('C', 0, s(51));
  m.recordTaskStarted('C', 0, s(52));
  m.recordTaskCompleted('C', s(60)); // no measured duration: completed − started
  m.recordWorkerStopped(1, s(70));
  return m;
}

const Collector = suite('MetricsCollector');

Collector('test_worker_metrics_computation', () =>
  withTempDir((dir) => {
    const c = new MetricsCollector(recordedRun(dir), { now: () => s(100) });
    const w0 = c.computeWorkerMetrics(0);
    assert.is(w0.initializationMs, 1200);
    assert.is(w0.uptimeMs, 100_000, 'a running worker’s uptime runs to now');
    assert.is(w0.tasksCompleted, 2);
    assert.is(w0.totalTaskDurationMs, 45_000 + 8_000);
    assert.is(w0.avgTaskDurationMs, 26_500);
    const w1 = c.computeWorkerMetrics(1);
    assert.is(w1.uptimeMs, 70_000, 'a stopped worker’s uptime stops');
    assert.is(w1.tasksFailed, 1);
    assert.is(w1.avgTaskDurationMs, 0);
    assert.equal(c.computeWorkerMetrics(7), { workerId: 7, initializationMs: null, uptimeMs: 0, tasksCompleted: 0, tasksFailed: 0, totalTaskDurationMs: 0, avgTaskDurationMs: 0 });
  }),
);

Collector('test_task_metrics_computation', () =>
  withTempDir((dir) => {
    const c = new MetricsCollector(recordedRun(dir), { now: () => s(100) });
    const a = c.computeTaskMetrics('A');
    assert.is(a.queueWaitMs, 2000);
    assert.is(a.executionDurationMs, 45_000);
    assert.is(a.totalDurationMs, 48_000);
    assert.is(c.computeTaskMetrics('C').executionDurationMs, 8000);
    const b = c.computeTaskMetrics('B');
    assert.is(b.status, 'failed');
    assert.is(b.executionDurationMs, null);
    assert.is(c.computeTaskMetrics('nope').queueWaitMs, null);
  }),
);

Collector('test_level_metrics_computation', () =>
  withTempDir((dir) => {
    const c = new MetricsCollector(recordedRun(dir), { now: () => s(100) });
    const l1 = c.computeLevelMetrics(1);
    assert.is(l1.taskCount, 2);
    assert.is(l1.completedCount, 1);
    assert.is(l1.failedCount, 1);
    assert.is(l1.avgTaskDurationMs, 45_000);
    assert.is(l1.p50DurationMs, 45_000);
    const l2 = c.computeLevelMetrics(2);
    assert.is(l2.taskCount, 1);
    assert.is(l2.durationMs, null, 'not recorded as complete');
    assert.is(c.computeLevelMetrics(9).taskCount, 0);
  }),
);

Collector('test_feature_metrics_aggregation', () =>
  withTempDir((dir) => {
    const f = new MetricsCollector(recordedRun(dir), { now: () => s(100) }).computeFeatureMetrics();
    assert.is(f.totalDurationMs, 100_000);
    assert.is(f.workersUsed, 2);
    assert.is(f.tasksTotal, 3);
    assert.is(f.tasksCompleted, 2);
    assert.is(f.tasksFailed, 1);
    assert.is(f.levelsCompleted, 0, 'level 1 ended failed');
    assert.equal(
      f.workerMetrics.map((w) => w.workerId),
      [0, 1],
    );
    assert.equal(
      f.levelMetrics.map((l) => l.level),
      [1, 2],
    );
  }),
);

Collector('reads the state once per call, whatever the number of workers and levels', () =>
  withTempDir((dir) => {
    const manager = recordedRun(dir);
    let reads = 0;
    const c = new MetricsCollector(
      () => {
        reads += 1;
        return manager.state;
      },
      { now: () => s(100) },
    );
    c.computeFeatureMetrics();
    assert.is(reads, 1);
  }),
);

Collector('exportJson writes the snake_case metrics, creating the directory', () =>
  withTempDir((dir) => {
    const out = path.join(dir, 'deep', 'er', 'metrics.json');
    new MetricsCollector(recordedRun(dir), { now: () => s(100) }).exportJson(out);
    const json = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.is(json.tasks_completed, 2);
    assert.is((json.worker_metrics as Record<string, unknown>[])[0]?.initialization_ms, 1200);
  }),
);

Collector('metrics stored in the state and read back are the same (storeMetrics / getMetrics)', () =>
  withTempDir((dir) => {
    const manager = recordedRun(dir);
    const metrics = new MetricsCollector(manager, { now: () => s(100) }).computeFeatureMetrics();
    manager.storeMetrics(metrics);
    manager.saveSync();
    const reloaded = new StateManager({ stateDir: dir, feature: 'seed' });
    reloaded.load();
    assert.equal(reloaded.getMetrics(), metrics);
  }),
);

Collector.run();
