/**
 * What the dashboard reads of one snapshot, worked out once per snapshot (the run facts'
 * "computed once", DESIGN §4.5): between two snapshots a frame only moves the clock, the
 * selection or the size. The dashboard keeps the basis of the snapshot it shows; what depends on
 * the snapshot alone (completed durations, completion times, a worker's task list, the task
 * stream of an ended run) is built the first time a frame asks for it and kept with the basis,
 * so it goes when the next snapshot comes. No module-level cache: the basis is the only memory.
 */
import type { TaskGraph } from '../../graph/taskGraph';
import type { RunSnapshot } from '../../metrics/snapshot';

export interface SnapshotBasis {
  readonly snapshot: RunSnapshot;
  /** The feature's task graph, when there is one: the run's size, and each level's. */
  readonly graph: TaskGraph | null;
  /** The value of `build()` for `key`, built once for this snapshot. */
  memo<T>(key: string, build: () => T): T;
}

export function snapshotBasis(snapshot: RunSnapshot, graph: TaskGraph | null = null): SnapshotBasis {
  const built = new Map<string, unknown>();
  return {
    snapshot,
    graph,
    memo<T>(key: string, build: () => T): T {
      if (built.has(key)) return built.get(key) as T;
      const value = build();
      built.set(key, value);
      return value;
    },
  };
}

/**
 * What `draw()` gives for this frame. An ended run no longer moves with the clock, so it is drawn
 * once per snapshot and `key` (which names the size); a running one every frame.
 */
export const drawnFor = <T>(basis: SnapshotBasis, key: string, draw: () => T): T => (basis.snapshot.endedAt === null ? draw() : basis.memo(key, draw));

/** Execution times of the completed tasks (the duration histogram's samples). */
export const completedDurations = (basis: SnapshotBasis): readonly number[] =>
  basis.memo('completed-durations', () => {
    const out: number[] = [];
    for (const t of basis.snapshot.tasks) if (t.status === 'complete' && typeof t.executionDurationMs === 'number') out.push(t.executionDurationMs);
    return out;
  });

/** When each completed task completed (epoch ms; the throughput chart's samples, counted every frame of a running run). */
export const completionTimes = (basis: SnapshotBasis): Float64Array =>
  basis.memo('completion-times', () => {
    const out = new Float64Array(basis.snapshot.tasks.length);
    let n = 0;
    for (const t of basis.snapshot.tasks) if (t.status === 'complete' && typeof t.completedAt === 'number') out[n++] = t.completedAt;
    return out.subarray(0, n);
  });
