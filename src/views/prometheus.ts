/**
 * The run as Prometheus metrics (DESIGN §10), exposed through prom-client's registry: every family
 * reads the latest snapshot when scraped, so the figures are the ones every other view shows — the
 * percentiles are our own (exact or DDSketch), not a second estimator. Times are in seconds, the
 * base unit Prometheus names and `promtool` expect (`_seconds`, not `_ms`).
 */
import { Registry } from 'prom-client';
import type { RunSnapshot } from '../metrics/snapshot';
import type { TaskGraph } from '../graph/taskGraph';
import { runFactsOf, unseenGraphTasks } from './statusModel';

/** What a scrape reads: the latest snapshot (null before the first) and the run's graph. */
export interface ScrapeView {
  readonly snapshot: RunSnapshot | null;
  readonly feature: string;
  readonly graph: TaskGraph | null;
  /** The moment of the scrape (epoch ms): the ETA is measured to it. */
  readonly now: number;
}

type Labels = Record<string, string | number>;
interface Sample {
  readonly labels: Labels;
  readonly value: number;
  /** For a summary's `_sum` / `_count` lines. */
  readonly metricName?: string;
}

/**
 * One metric family computed from the snapshot at scrape time: what prom-client's registry asks a
 * metric for (`name`, `type`, `get()`), with no state of its own to fall out of step.
 */
class SnapshotFamily {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'gauge' | 'counter' | 'summary',
    private readonly samples: (snapshot: RunSnapshot, view: ScrapeView) => Sample[],
    private readonly read: () => ScrapeView,
  ) {}

  get(): { name: string; help: string; type: string; aggregator: 'sum'; values: Sample[] } {
    const view = this.read();
    const values = view.snapshot === null ? [] : this.samples(view.snapshot, view);
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}

const seconds = (ms: number): number => ms / 1000;
const QUANTILES: ReadonlyArray<[string, 'p50DurationMs' | 'p95DurationMs' | 'p99DurationMs']> = [
  ['0.5', 'p50DurationMs'],
  ['0.95', 'p95DurationMs'],
  ['0.99', 'p99DurationMs'],
];
const LIVE_WORKER = new Set(['initializing', 'ready', 'running', 'idle']);

/** The metric families of DESIGN §10, as a registry whose `metrics()` is the exposition text. */
export function runRegistry(read: () => ScrapeView): Registry {
  const registry = new Registry();
  const family = (name: string, help: string, type: 'gauge' | 'counter' | 'summary', samples: (s: RunSnapshot, v: ScrapeView) => Sample[]): void => {
    registry.registerMetric(new SnapshotFamily(name, help, type, samples, read) as never);
  };

  family('mahabharatha_tasks', 'Tasks of the run by status (tasks of the graph not seen yet are pending).', 'gauge', (s, v) => {
    const byStatus = new Map<string, number>();
    for (const t of [...s.tasks, ...unseenGraphTasks(s.tasks, v.graph)]) byStatus.set(t.status ?? 'pending', (byStatus.get(t.status ?? 'pending') ?? 0) + 1);
    return [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([status, value]) => ({ labels: { feature: v.feature, status }, value }));
  });
  family('mahabharatha_tasks_completed_total', 'Tasks completed.', 'counter', (s, v) => [{ labels: { feature: v.feature }, value: s.metrics.tasksCompleted }]);
  family('mahabharatha_task_failures_total', 'Failed task attempts (a task retried after a failure counts each failure).', 'counter', (s, v) => [
    { labels: { feature: v.feature }, value: s.metrics.workerMetrics.reduce((n, w) => n + w.tasksFailed, 0) },
  ]);
  family('mahabharatha_task_duration_seconds', 'Execution time of the completed tasks of a level, in seconds: p50/p95/p99 as status shows them.', 'summary', (s, v) =>
    s.metrics.levelMetrics
      .filter((l) => (l.samples ?? l.completedCount) > 0)
      .flatMap((l) => {
        const labels = { feature: v.feature, level: l.level };
        const count = l.samples ?? l.completedCount;
        return [
          ...QUANTILES.map(([quantile, key]) => ({ labels: { ...labels, quantile }, value: seconds(l[key] ?? 0) })),
          { metricName: 'mahabharatha_task_duration_seconds_sum', labels, value: seconds(l.avgTaskDurationMs * count) },
          { metricName: 'mahabharatha_task_duration_seconds_count', labels, value: count },
        ];
      }),
  );
  family('mahabharatha_level_duration_seconds', 'Duration of each completed level, in seconds.', 'gauge', (s, v) =>
    s.metrics.levelMetrics.flatMap((l) => (l.durationMs === null ? [] : [{ labels: { feature: v.feature, level: l.level }, value: seconds(l.durationMs) }])),
  );
  family('mahabharatha_worker_busy_ratio', 'Share of its uptime a worker spent on tasks, 0..1.', 'gauge', (s, v) =>
    s.metrics.workerMetrics.flatMap((w) => (w.utilization === null || w.utilization === undefined ? [] : [{ labels: { feature: v.feature, worker: w.workerId }, value: w.utilization }])),
  );
  family('mahabharatha_worker_up', 'Whether a worker is alive (1) or has stopped or crashed (0).', 'gauge', (s, v) =>
    s.metrics.workerMetrics.map((w) => ({ labels: { feature: v.feature, worker: w.workerId }, value: LIVE_WORKER.has(w.status ?? '') && s.endedAt === null ? 1 : 0 })),
  );
  family('mahabharatha_ingest_rejected_total', 'Input lines rejected, by reason (unknown event types included).', 'counter', (s, v) => {
    const reasons: Array<[string, number]> = Object.entries(s.ingest.invalidLines).map(([reason, n]) => [reason, n ?? 0]);
    if (s.ingest.unknownEvents > 0) reasons.push(['unknown_type', s.ingest.unknownEvents]);
    return reasons.sort(([a], [b]) => a.localeCompare(b)).map(([reason, value]) => ({ labels: { feature: v.feature, reason }, value }));
  });
  family('mahabharatha_eta_seconds', 'Estimated time left in the run, in seconds (absent when unknown).', 'gauge', (s, v) => {
    const eta = runFactsOf(s, { now: v.now, graph: v.graph }).etaMs;
    return eta === null ? [] : [{ labels: { feature: v.feature }, value: seconds(eta) }];
  });
  return registry;
}
