import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeErrors } from '../../src/codecs/snakeCase';
import { FeatureMetrics, LevelMetrics, MetricsSource, TaskMetrics, WorkerMetrics } from '../../src/metrics/types';

/** The seed's `from_dict`. */
const fromDict = <A>(codec: t.Type<A, unknown, unknown>, dict: unknown): A => {
  const r = codec.decode(dict);
  if (E.isLeft(r)) throw new Error(describeErrors(r.left));
  return r.right;
};

/** The keys of each seed dataclass (seed §3.1): `to_dict` must write at least these, with these names. */
const SEED_KEYS = {
  worker: ['worker_id', 'initialization_ms', 'uptime_ms', 'tasks_completed', 'tasks_failed', 'total_task_duration_ms', 'avg_task_duration_ms'],
  task: ['task_id', 'queue_wait_ms', 'execution_duration_ms', 'verification_duration_ms', 'total_duration_ms'],
  level: ['level', 'duration_ms', 'task_count', 'completed_count', 'failed_count', 'avg_task_duration_ms', 'p50_duration_ms', 'p95_duration_ms'],
  feature: ['computed_at', 'total_duration_ms', 'workers_used', 'tasks_total', 'tasks_completed', 'tasks_failed', 'levels_completed', 'worker_metrics', 'level_metrics'],
};

const worker: WorkerMetrics = {
  workerId: 2,
  initializationMs: 1200,
  uptimeMs: 60000,
  tasksCompleted: 3,
  tasksFailed: 1,
  totalTaskDurationMs: 45000,
  avgTaskDurationMs: 15000,
  status: 'running',
  currentTask: 'T-4',
  busyMs: 45000,
  idleMs: 13800,
  utilization: 0.75,
  throughputPerHour: 180,
  startedAt: Date.parse('2026-01-27T08:00:00.000Z'),
  readyAt: Date.parse('2026-01-27T08:00:01.200Z'),
  stoppedAt: null,
  lastEventAt: Date.parse('2026-01-27T08:01:00.000Z'),
};

const task: TaskMetrics = {
  taskId: 'T-1',
  queueWaitMs: 50,
  executionDurationMs: 1500,
  verificationDurationMs: 500,
  totalDurationMs: 2100,
  level: 1,
  status: 'complete',
  workerId: 2,
  attempts: 1,
  error: null,
  createdAt: Date.parse('2026-01-27T08:00:00.000Z'),
  claimedAt: Date.parse('2026-01-27T08:00:00.050Z'),
  startedAt: Date.parse('2026-01-27T08:00:00.100Z'),
  completedAt: Date.parse('2026-01-27T08:00:02.100Z'),
  failedAt: null,
};

const level: LevelMetrics = {
  level: 1,
  durationMs: 30000,
  taskCount: 4,
  completedCount: 3,
  failedCount: 1,
  avgTaskDurationMs: 25,
  p50DurationMs: 25,
  p95DurationMs: 38,
  p99DurationMs: 39,
  status: 'complete',
  maxParallel: 3,
  parallelEfficiency: 0.5,
  percentileMethod: 'exact',
  samples: 4,
  startedAt: Date.parse('2026-01-27T08:00:00.000Z'),
  completedAt: Date.parse('2026-01-27T08:00:30.000Z'),
};

const feature: FeatureMetrics = {
  computedAt: '2026-01-27T08:01:00.000Z',
  totalDurationMs: 60000,
  workersUsed: 1,
  tasksTotal: 5,
  tasksCompleted: 3,
  tasksFailed: 1,
  levelsCompleted: 1,
  workerMetrics: [worker],
  levelMetrics: [level],
  avgTaskDurationMs: 25,
  p50DurationMs: 25,
  p95DurationMs: 38,
  p99DurationMs: 39,
  percentileMethod: 'ddsketch',
  samples: 3,
  throughputPerHour: 180,
  progress: 0.6,
  etaMs: 20000,
  startedAt: Date.parse('2026-01-27T08:00:00.000Z'),
  source: { eventsOffset: 4096, seqHwm: { 'orch-1': 42 } },
};

const dicts = suite('metric types to_dict / from_dict');

dicts('test_metrics_to_dict_from_dict', () => {
  // from_dict({"worker_id": 2}) fills every default, as the seed's dataclass does.
  assert.equal(fromDict(WorkerMetrics, { worker_id: 2 }), {
    workerId: 2,
    initializationMs: null,
    uptimeMs: 0,
    tasksCompleted: 0,
    tasksFailed: 0,
    totalTaskDurationMs: 0,
    avgTaskDurationMs: 0,
  });
  // and to_dict(from_dict(d)) == d for a full dict of each type.
  for (const [codec, value] of [
    [WorkerMetrics, worker],
    [TaskMetrics, task],
    [LevelMetrics, level],
    [FeatureMetrics, feature],
  ] as const) {
    const c = codec as t.Type<unknown, unknown, unknown>;
    const dict = c.encode(value);
    assert.equal(fromDict(c, dict), value);
    assert.equal(c.encode(fromDict(c, dict)), dict);
  }
});

dicts('stamps are epoch ms in code and the ISO strings we write in the dict', () => {
  const dict = TaskMetrics.encode(task) as unknown as Record<string, unknown>;
  assert.is(dict.claimed_at, '2026-01-27T08:00:00.050Z');
  assert.is(dict.failed_at, null);
  assert.is(fromDict(TaskMetrics, { task_id: 'T', claimed_at: '2026-01-27T08:00:00.050Z' }).claimedAt, Date.UTC(2026, 0, 27, 8, 0, 0, 50));
  // Upstream's stamps (naive local time, microseconds, an offset) are read to the millisecond.
  assert.is(fromDict(WorkerMetrics, { worker_id: 1, ready_at: '2026-01-27T08:00:00.500900+00:00' }).readyAt, Date.UTC(2026, 0, 27, 8, 0, 0, 500));
  assert.ok(E.isLeft(TaskMetrics.decode({ task_id: 'T', started_at: 'yesterday' })), 'an unreadable stamp is refused, not guessed');
});

dicts('from_dict of the minimal dict of each type fills the seed defaults', () => {
  assert.equal(fromDict(TaskMetrics, { task_id: 'T-1' }), {
    taskId: 'T-1',
    queueWaitMs: null,
    executionDurationMs: null,
    verificationDurationMs: null,
    totalDurationMs: null,
  });
  assert.equal(fromDict(LevelMetrics, { level: 3 }), {
    level: 3,
    durationMs: null,
    taskCount: 0,
    completedCount: 0,
    failedCount: 0,
    avgTaskDurationMs: 0,
    p50DurationMs: 0,
    p95DurationMs: 0,
  });
  assert.equal(fromDict(FeatureMetrics, { computed_at: '2026-01-27T08:00:00Z' }), {
    computedAt: '2026-01-27T08:00:00Z',
    totalDurationMs: null,
    workersUsed: 0,
    tasksTotal: 0,
    tasksCompleted: 0,
    tasksFailed: 0,
    levelsCompleted: 0,
    workerMetrics: [],
    levelMetrics: [],
  });
});

dicts('to_dict writes the seed key names in snake_case', () => {
  const has = (dict: unknown, expected: readonly string[], what: string): void => {
    const keys = Object.keys(dict as object);
    for (const k of expected) assert.ok(keys.includes(k), `${what}: ${k} missing from ${keys.join(', ')}`);
    for (const k of keys) assert.not.match(k, /[A-Z]/, `${what}: ${k} is not snake_case`);
  };
  has(WorkerMetrics.encode(fromDict(WorkerMetrics, { worker_id: 1 })), SEED_KEYS.worker, 'worker');
  has(TaskMetrics.encode(fromDict(TaskMetrics, { task_id: 'T' })), SEED_KEYS.task, 'task');
  has(LevelMetrics.encode(fromDict(LevelMetrics, { level: 1 })), SEED_KEYS.level, 'level');
  const featureDict = FeatureMetrics.encode(feature) as unknown as Record<string, unknown>;
  has(featureDict, SEED_KEYS.feature, 'feature');
  has((featureDict.worker_metrics as unknown[])[0], SEED_KEYS.worker, 'nested worker');
  has((featureDict.level_metrics as unknown[])[0], SEED_KEYS.level, 'nested level');
  assert.equal(featureDict.source, { events_offset: 4096, seq_hwm: { 'orch-1': 42 } });
});

dicts('nested worker and level dicts get their defaults too', () => {
  const decoded = fromDict(FeatureMetrics, { computed_at: 'x', worker_metrics: [{ worker_id: 4 }], level_metrics: [{ level: 1 }] });
  assert.is(decoded.workerMetrics[0]?.uptimeMs, 0);
  assert.is(decoded.workerMetrics[0]?.initializationMs, null);
  assert.is(decoded.levelMetrics[0]?.p95DurationMs, 0);
});

dicts('keeps an explicit null and an explicit zero', () => {
  const decoded = fromDict(WorkerMetrics, { worker_id: 1, initialization_ms: null, uptime_ms: 0, avg_task_duration_ms: 0 });
  assert.is(decoded.initializationMs, null);
  assert.is(decoded.uptimeMs, 0);
});

dicts('rejects wrong types instead of guessing', () => {
  const bad: ReadonlyArray<readonly [t.Type<unknown, unknown, unknown>, unknown]> = [
    [WorkerMetrics as t.Type<unknown, unknown, unknown>, {}],
    [WorkerMetrics as t.Type<unknown, unknown, unknown>, { worker_id: 'two' }],
    [WorkerMetrics as t.Type<unknown, unknown, unknown>, { worker_id: 1.5 }],
    [WorkerMetrics as t.Type<unknown, unknown, unknown>, { worker_id: 1, uptime_ms: null }],
    [TaskMetrics as t.Type<unknown, unknown, unknown>, { task_id: 1 }],
    [LevelMetrics as t.Type<unknown, unknown, unknown>, { level: 1, p50_duration_ms: 2.5 }],
    [LevelMetrics as t.Type<unknown, unknown, unknown>, { level: 1, percentile_method: 'guess' }],
    [FeatureMetrics as t.Type<unknown, unknown, unknown>, { total_duration_ms: 5 }],
    [FeatureMetrics as t.Type<unknown, unknown, unknown>, { computed_at: 'x', worker_metrics: [{}] }],
    [MetricsSource as t.Type<unknown, unknown, unknown>, { events_offset: 1 }],
  ];
  for (const [codec, dict] of bad) assert.ok(E.isLeft(codec.decode(dict)), `${codec.name}: ${JSON.stringify(dict)}`);
});

dicts.run();
