import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENT_TYPES } from '../../src/events/codecs';
import { FeatureMetrics } from '../../src/metrics/types';
import { MetricsCollector } from '../../src/state/metricsCollector';
import { tempDirPerTest } from '../helpers/tempDir';
import { copyGraph, readEvents, readState, runCli, runsOf } from '../orchestrator/cliHarness';

const SMALL_TASKS = ['SM-L0-001', 'SM-L1-001', 'SM-L1-002', 'SM-L1-003', 'SM-L2-001', 'SM-L2-002'];

let dir = '';
const rush = suite('rushCommand');
tempDirPerTest(rush, 'mahabharatha-rush-', (d) => (dir = d));

rush('runs a 3-level graph with a flaky task on 2 workers and records every moment', async () => {
  copyGraph('small.task-graph.json', dir);
  const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--workers', '2', '--state-dir', 'state'], { cwd: dir, env: { MAHABHARATHA_HEARTBEAT_MS: '50' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');

  // Progress: one line per level and task outcome, the flaky task's retry included.
  assert.match(r.stdout, /^\[00:0\d\] rush small: 6 tasks in 3 levels on 2 workers/m);
  assert.match(r.stdout, /✗ SM-L1-002 attempt 1\/3 failed on worker \d: exit 3: SM-L1-002: first attempt fails — retrying in 0\.5s/);
  assert.match(r.stdout, /✓ SM-L1-002 \(level 1\) on worker \d in \d+\.\ds \(attempt 2\)/);
  for (const level of [0, 1, 2]) assert.match(r.stdout, new RegExp(`level ${level} complete in \\d+\\.\\ds`));
  assert.match(r.stdout, /rush complete: 6 tasks in 3 levels/);

  // The state file: every task complete with every stamp and its level.
  const state = readState(path.join(dir, 'state'), 'small');
  assert.is(state.error, null);
  assert.equal(Object.keys(state.tasks ?? {}).sort(), SMALL_TASKS);
  for (const [id, t] of Object.entries(state.tasks ?? {})) {
    assert.is(t.status, 'complete', id);
    assert.is(t.level, Number(id.slice(4, 5)), `${id} level`);
    for (const key of ['created_at', 'claimed_at', 'started_at', 'completed_at'] as const) assert.type(t[key], 'string', `${id} ${key}`);
    assert.ok(typeof t.duration_ms === 'number' && t.duration_ms > 0, `${id} duration_ms`);
  }
  assert.is(state.tasks?.['SM-L1-002']?.retry_count, 1);

  const metrics = FeatureMetrics.decode(state.metrics);
  assert.ok(metrics._tag === 'Right');
  if (metrics._tag !== 'Right') return;
  const m = metrics.right;
  assert.equal([m.tasksTotal, m.tasksCompleted, m.tasksFailed, m.levelsCompleted, m.workersUsed], [6, 6, 0, 3, 2]);
  assert.is(m.workerMetrics.length, 2);
  for (const w of m.workerMetrics) {
    assert.ok(w.initializationMs !== null && w.initializationMs > 0, `worker ${w.workerId} initialization_ms`);
    assert.ok(w.uptimeMs >= (w.initializationMs ?? 0), `worker ${w.workerId} uptime`);
  }
  assert.is(m.workerMetrics.reduce((n, w) => n + w.tasksCompleted, 0), 6, 'each task counted once');
  assert.is(m.workerMetrics.reduce((n, w) => n + w.tasksFailed, 0), 1, 'the flaky attempt');
  assert.equal(m.levelMetrics.map((l) => [l.level, l.taskCount, l.completedCount]), [
    [0, 1, 1],
    [1, 3, 3],
    [2, 2, 2],
  ]);
  for (const l of m.levelMetrics) assert.ok(l.durationMs !== null && l.durationMs > 0, `level ${l.level} duration`);

  // The events log: decodes without a reject, one producer, seq 1..n, every lifecycle moment.
  const { events, rejects } = readEvents(path.join(dir, 'state'), 'small');
  assert.equal(rejects, []);
  assert.equal(events.map((e) => e.seq), events.map((_, i) => i + 1));
  assert.is(new Set(events.map((e) => e.producer)).size, 1);
  const types = new Set(events.map((e) => e.type));
  // Nothing crashes, stops or is cut short in this run.
  for (const type of EVENT_TYPES.filter((t) => t !== 'worker_crashed' && t !== 'rush_stopped' && t !== 'task_interrupted')) assert.ok(types.has(type), `records ${type}`);
  const created = events.filter((e) => e.type === 'task_created');
  assert.equal(created.map((e) => e.data).sort((a, b) => (a.taskId < b.taskId ? -1 : 1)), SMALL_TASKS.map((taskId) => ({ taskId, level: Number(taskId.slice(4, 5)) })));
  const firstClaim = events.findIndex((e) => e.type === 'task_claimed');
  assert.ok(events.findIndex((e) => e.type === 'task_created') < firstClaim && created.length === 6);
  const started = events.find((e) => e.type === 'rush_started');
  assert.equal(started?.data, { workers: 2, totalTasks: 6, cwd: dir });
  for (const e of events) {
    if (e.type === 'verification_passed' || e.type === 'verification_failed') assert.ok(e.data.durationMs > 0, `${e.type} duration_ms`);
    if (e.type === 'task_complete') assert.ok((e.data.durationMs ?? 0) > 0, 'task_complete duration_ms');
  }
  assert.is(events[events.length - 1]?.type, 'rush_completed');
  // A dependency in the same level is waited for.
  const at = (type: string, taskId: string): number => events.findIndex((e) => e.type === type && 'taskId' in e.data && e.data.taskId === taskId);
  assert.ok(at('task_complete', 'SM-L2-001') < at('task_claimed', 'SM-L2-002'), 'SM-L2-002 waits for SM-L2-001');

  // Each command ran once to success.
  for (const id of SMALL_TASKS) assert.is(runsOf(dir, id), 1, `${id} ran once`);
  assert.not.ok(fs.existsSync(path.join(dir, 'state', 'small.rush.lock')), 'lock released');
});

rush('status --json shows the same metrics as MetricsCollector over the saved state', async () => {
  copyGraph('small.task-graph.json', dir);
  const run = await runCli(['rush', '--graph', 'small.task-graph.json', '--workers', '2', '--state-dir', 'state'], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  const status = await runCli(['status', '--json', '--feature', 'small', '--state-dir', 'state'], { cwd: dir });
  assert.is(status.code, 0, status.stderr);
  const shown = (JSON.parse(status.stdout) as { metrics: Record<string, unknown> }).metrics;
  const state = readState(path.join(dir, 'state'), 'small');
  const batch = FeatureMetrics.encode(new MetricsCollector(() => state).computeFeatureMetrics()) as Record<string, unknown>;
  // When it was computed, and the log position it came from, are not metrics.
  const comparable = (m: Record<string, unknown>): Record<string, unknown> => {
    const { computed_at: _at, source: _source, ...rest } = m;
    return rest;
  };
  assert.equal(comparable(shown), comparable(batch));
});

rush('a task failing every attempt stops the run after its level: exit 1, the error in the state', async () => {
  copyGraph('failing.task-graph.json', dir);
  const r = await runCli(['rush', '--graph', 'failing.task-graph.json', '--workers', '2', '--retries', '1', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stdout, /✗ FA-L2-001 attempt 2\/2 failed on worker \d: exit 2: always broken — no retries left/);
  assert.match(r.stdout, /level 2 failed: FA-L2-001/);
  assert.match(r.stdout, /rush failed: level 2: task FA-L2-001 failed after 2 attempts: exit 2: always broken/);
  assert.is(runsOf(dir, 'FA-L2-002'), 1, 'the rest of the level ran');
  assert.is(runsOf(dir, 'FA-L3-001'), 0, 'the next level did not');
  const state = readState(path.join(dir, 'state'), 'failing');
  assert.match(state.error ?? '', /FA-L2-001 failed after 2 attempts: exit 2: always broken/);
  assert.is(state.tasks?.['FA-L2-001']?.status, 'failed');
  const { events, rejects } = readEvents(path.join(dir, 'state'), 'failing');
  assert.equal(rejects, []);
  assert.is(events[events.length - 1]?.type, 'rush_stopped');
  assert.not.ok(events.some((e) => e.type === 'level_started' && e.data.level === 3));
  assert.not.ok(events.some((e) => e.type === 'level_complete' && e.data.level === 2));
});

rush('the kurukshetra alias runs the same command, taking the feature name from --feature', async () => {
  copyGraph('failing.task-graph.json', dir);
  const r = await runCli(['kurukshetra', '--graph', 'failing.task-graph.json', '--feature', 'renamed', '--workers', '1', '--retries', '0', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1);
  assert.ok(fs.existsSync(path.join(dir, 'state', 'renamed.json')));
  assert.ok(fs.existsSync(path.join(dir, 'state', 'renamed-events.jsonl')));
});

rush.run();
