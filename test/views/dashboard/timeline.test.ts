import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../../src/events/codecs';
import { timelineOf } from '../../../src/views/dashboard/timeline';
import { ev, snapshotAt, T0 } from '../../helpers/events';

const snapshot = snapshotAt;
const text = (row: { segments: readonly { text: string }[] } | undefined): string => (row?.segments ?? []).map((s) => s.text).join('');

/** 0–10 s: worker 1 runs A 0–5 s, then B fails 5–5.1 s; worker 2 runs C from 2 s, still running at 10 s. */
const run = (): LifecycleEvent[] => [
  ev('rush_started', 0, { workers: 2, totalTasks: 3 }),
  ev('worker_started', 0, { workerId: 1 }),
  ev('worker_started', 0, { workerId: 2 }),
  ev('task_claimed', 0, { taskId: 'A', workerId: 1 }),
  ev('task_complete', 5000, { taskId: 'A', workerId: 1 }),
  ev('task_claimed', 5000, { taskId: 'B', workerId: 1 }),
  ev('task_failed', 5100, { taskId: 'B', workerId: 1, error: 'exit 1' }),
  ev('task_claimed', 2000, { taskId: 'C', workerId: 2 }),
];

const Timeline = suite('timelineOf');

Timeline('draws each worker’s attempts as bars scaled to the panel width', () => {
  // 3 label columns + 20 bar columns: half a second per column over the 10 s run.
  const model = timelineOf(snapshot(run(), T0 + 10_000), { now: T0 + 10_000, width: 23, height: 5 });
  assert.is(model.rows.length, 2);
  assert.is(model.bars, 3);
  assert.is(text(model.rows[0]), `W1 ${'█'.repeat(10)}x${' '.repeat(9)}`);
  assert.is(text(model.rows[1]), `W2 ${' '.repeat(4)}${'▒'.repeat(16)}`);
  assert.is(model.rows[0]?.segments.find((s) => s.text === 'x')?.tone, 'alert');
  assert.match(model.footer, /^0s … 10\.0s/);
});

Timeline('rescales as the run goes on: the same attempt takes fewer columns later', () => {
  const early = timelineOf(snapshot(run(), T0 + 10_000), { now: T0 + 10_000, width: 23, height: 5 });
  const later = timelineOf(snapshot(run(), T0 + 20_000), { now: T0 + 20_000, width: 23, height: 5 });
  const count = (s: string, c: string): number => [...s].filter((x) => x === c).length;
  assert.is(count(text(early.rows[0]), '█'), 10);
  assert.is(count(text(later.rows[0]), '█'), 5);
});

Timeline('marks an interrupted attempt, and shows at most the rows that fit', () => {
  const events = [...run(), ev('worker_stopped', 6000, { workerId: 2 })];
  const model = timelineOf(snapshot(events, T0 + 10_000), { now: T0 + 10_000, width: 23, height: 2 });
  assert.is(model.rows.length, 1);
  assert.match(model.footer, /\+1 workers/);
  const both = timelineOf(snapshot(events, T0 + 10_000), { now: T0 + 10_000, width: 23, height: 3 });
  assert.match(text(both.rows[1]), /^W2 {5}\/+ +$/);
});

Timeline('is empty before any attempt', () => {
  const model = timelineOf(snapshot([ev('rush_started', 0, { workers: 1, totalTasks: 1 })], T0 + 1000), { now: T0 + 1000, width: 40, height: 4 });
  assert.equal(model.rows, []);
  assert.is(model.footer, 'no attempts yet');
});

Timeline.run();
