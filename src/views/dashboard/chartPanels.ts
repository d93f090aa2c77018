/**
 * The two chart panels: the task-duration histogram (completed tasks' execution times) and the
 * throughput over the run (tasks completed per time bucket, drawn as columns). Their samples come
 * from the snapshot's basis, once per snapshot; the panel size picks the buckets.
 */
import { formatDuration, oneLine, plural } from '../format';
import { barLines, columnChart, COLUMN_CELLS, durationHistogram, throughputSeries, type BarLine, type Bucket, type ColumnChart, type ThroughputSeries } from './charts';
import { innerHeight, innerWidth, type Layout } from './layout';
import { completedDurations, completionTimes, drawnFor, type SnapshotBasis } from './snapshotBasis';
import { formatWholeSeconds } from './time';

export interface DurationChart {
  readonly buckets: readonly Bucket[];
  readonly bars: readonly BarLine[];
  readonly samples: number;
  readonly footer: string;
}

export interface ThroughputChart extends ThroughputSeries {
  readonly title: string;
  readonly total: number;
  /** The counts as columns, sized to the panel. */
  readonly chart: ColumnChart;
}

export const NO_DURATIONS: DurationChart = { buckets: [], bars: [], samples: 0, footer: '' };
export const NO_THROUGHPUT: ThroughputChart = { bucketMs: 1000, labels: [], counts: [], title: '', total: 0, chart: { rows: [], xAxis: '' } };

/** The histogram depends on the snapshot and the panel size only: built once per snapshot and size. */
export function durationChart(basis: SnapshotBasis, layout: Layout): DurationChart {
  if (!layout.durations) return NO_DURATIONS;
  const width = innerWidth(layout.durations, true);
  const rows = innerHeight(layout.durations, true);
  return basis.memo(`durations:${width}x${rows}`, () => {
    const durations = completedDurations(basis);
    // Sturges' rule: few samples make few buckets (four tasks in nine buckets is mostly gaps).
    const sturges = Math.ceil(Math.log2(Math.max(1, durations.length))) + 1;
    const buckets = durationHistogram(durations, Math.max(1, Math.min(rows - 1, sturges)));
    const bars = barLines(
      buckets.map((b) => ({ label: b.label, value: b.count })),
      width,
    );
    const m = basis.snapshot.metrics;
    const footer =
      durations.length === 0
        ? 'no completed tasks yet'
        : `${plural(durations.length, 'task')}  p50 ${formatDuration(m.p50DurationMs ?? null)}  p95 ${formatDuration(m.p95DurationMs ?? null)}`;
    return { buckets, bars, samples: durations.length, footer: oneLine(footer, width) };
  });
}

/** Completions per bucket from the run's start to its clock (`clockEnd`), as many buckets as columns fit. */
export function throughputChart(basis: SnapshotBasis, layout: Layout, clockEnd: number): ThroughputChart {
  const panel = layout.throughput;
  const width = panel ? innerWidth(panel, true) : 0;
  const height = panel ? innerHeight(panel, true) : 0;
  const start = basis.snapshot.startedAt;
  // Room for the y labels (up to three digits and the axis) beside the columns.
  const maxPoints = Math.max(2, Math.floor((width - 4) / COLUMN_CELLS));
  const chart = (): ThroughputChart => {
    const series = panel && start !== null ? throughputSeries(completionTimes(basis), start, clockEnd, maxPoints) : throughputSeries([], 0, 1_000, maxPoints);
    return {
      ...series,
      title: `Throughput (tasks per ${formatWholeSeconds(series.bucketMs)})`,
      total: series.counts.reduce((a, b) => a + b, 0),
      chart: panel ? columnChart(series.counts, series.labels, width, height) : { rows: [], xAxis: '' },
    };
  };
  return drawnFor(basis, `throughput:${width}x${height}:${clockEnd}`, chart);
}
