import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { collectFromState } from '../../src/state/collect';
import { eventsFromState, levelFromId } from '../../src/state/stateEvents';
import { initialState, StateFile } from '../../src/state/codecs';
import { applySnapshot } from '../../src/state/fromSnapshot';
import { snapshotAt } from '../helpers/events';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const NOW = Date.UTC(2026, 0, 27, 12, 0, 0);
const streamed = (events: readonly LifecycleEvent[]) => snapshotAt(events, NOW);
/** What the processor writes, read back as JSON from disk would be. */
const savedState = (events: readonly LifecycleEvent[]): StateFile =>
  JSON.parse(JSON.stringify(applySnapshot(initialState('f'), streamed(events), null))) as StateFile;

const RoundTrip = suite('applySnapshot → eventsFromState');

RoundTrip('a saved state gives the metrics of the stream that produced it (finished and running runs)', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 1e6 }),
        workers: fc.integer({ min: 1, max: 4 }),
        levelWidths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        failureRate: fc.constantFrom(0, 0.2, 0.6),
        cut: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      }),
      ({ seed, workers, levelWidths, failureRate, cut }) => {
        const run = generateRun(mulberry32(seed), { workers, tasksPerLevel: levelWidths, failRate: failureRate, producer: 'p' });
        const events = cut === undefined ? run : run.slice(0, cut);
        // `source` says where the stream stood in its inputs; a state file alone has no such position.
        const { source: _, ...expected } = streamed(events).metrics;
        assert.equal(collectFromState(savedState(events), NOW).metrics, { ...expected, source: { eventsOffset: 0, seqHwm: {}, seqRanges: {} } });
      },
    ),
    { numRuns: 150 },
  );
});

RoundTrip('an attempt that starts and fails in the same millisecond ends after its start, not before', () => {
  // Found by the property above: T-L1-003's second attempt is claimed at 5.717 s, started and failed
  // at 5.739 s. Replayed failure-first, worker 0 looked busy until the next claim (8 ms too long).
  const events = generateRun(mulberry32(231891), { workers: 2, tasksPerLevel: [3], failRate: 0.6, producer: 'p' });
  const instant = events.find((e) => e.type === 'task_failed' && events.some((s) => s.type === 'task_started' && s.ts === e.ts && s.data.taskId === e.data.taskId));
  assert.ok(instant, 'the run has an attempt that starts and fails in one millisecond');
  const fromState = collectFromState(savedState(events), NOW).metrics;
  assert.equal(
    fromState.workerMetrics.map((w) => w.busyMs),
    streamed(events).metrics.workerMetrics.map((w) => w.busyMs),
  );
});

RoundTrip('keeps keys it does not manage', () => {
  const prev = { ...initialState('f'), x_custom: 1, tasks: { 'T-L1-001': { status: 'todo' as const, x_note: 'keep' } } };
  const next = applySnapshot(prev, streamed(generateRun(mulberry32(2), { workers: 1, tasksPerLevel: [1] })), null) as Record<string, unknown>;
  assert.is(next.x_custom, 1);
  assert.is((next.tasks as Record<string, Record<string, unknown>>)['T-L1-001']?.x_note, 'keep');
});

RoundTrip.run();

const Upstream = suite('eventsFromState on upstream state');

const upstream: StateFile = {
  feature: 'up',
  started_at: '2026-01-27T08:00:00.000000',
  current_level: 1,
  tasks: {
    'UP-L1-001': { status: 'complete', worker_id: 1, claimed_at: '2026-01-27T08:00:05', started_at: '2026-01-27T08:00:06', completed_at: '2026-01-27T08:00:16.500', duration_ms: 10500 },
    'UP-L1-002': { status: 'waiting_retry', worker_id: 2, claimed_at: '2026-01-27T08:00:05', started_at: '2026-01-27T08:00:05', updated_at: '2026-01-27T08:00:09', retry_count: 1, error: 'boom' },
    'UP-L2-001': { status: 'pending' },
    misc: { status: 'todo' },
  },
  workers: {
    '1': { worker_id: 1, status: 'running', started_at: '2026-01-27T08:00:01', ready_at: '2026-01-27T08:00:03' },
    '2': { worker_id: 2, status: 'stopped', started_at: '2026-01-27T08:00:01', ready_at: '2026-01-27T08:00:02', stopped_at: '2026-01-27T08:01:00' },
  },
  levels: { '1': { status: 'running', started_at: '2026-01-27T08:00:04' } },
  execution_log: [],
  metrics: null,
};

Upstream('reads levels from task ids and never invents one', () => {
  assert.is(levelFromId('UP-L12-003'), 12);
  assert.is(levelFromId('misc'), undefined);
  const snap = collectFromState(upstream, NOW, { naiveTz: 'UTC' });
  assert.equal(
    snap.tasks.map((t) => [t.taskId, t.level]),
    [
      ['UP-L1-001', 1],
      ['UP-L1-002', 1],
      ['UP-L2-001', 2],
      ['misc', null],
    ],
  );
});

Upstream('takes naive stamps in the given zone and measures from them', () => {
  const snap = collectFromState(upstream, NOW, { naiveTz: 'UTC' });
  const done = snap.tasks.find((t) => t.taskId === 'UP-L1-001');
  assert.is(done?.executionDurationMs, 10500);
  assert.is(done?.queueWaitMs, 5000, 'created when the run started');
  assert.is(snap.metrics.workerMetrics.find((w) => w.workerId === 1)?.initializationMs, 2000);
  assert.is(snap.metrics.workerMetrics.find((w) => w.workerId === 2)?.uptimeMs, 59_000);
  assert.is(snap.metrics.tasksTotal, 4);
  assert.is(snap.metrics.tasksFailed, 1, 'waiting for a retry: its latest outcome is a failure');
});

Upstream('prefers the task graph’s level', () => {
  const { events } = eventsFromState(upstream, { naiveTz: 'UTC', levelOf: (id) => (id === 'misc' ? 3 : undefined) });
  const created = events.filter((e) => e.type === 'task_created').map((e) => (e.type === 'task_created' ? [e.data.taskId, e.data.level] : []));
  assert.ok(created.some(([id, level]) => id === 'misc' && level === 3));
});

Upstream('counts unreadable stamps instead of guessing', () => {
  const broken: StateFile = { ...upstream, workers: { '1': { worker_id: 1, status: 'ready', started_at: 'yesterday' } } };
  assert.is(eventsFromState(broken, { naiveTz: 'UTC' }).unreadable, 1);
});

Upstream.run();
