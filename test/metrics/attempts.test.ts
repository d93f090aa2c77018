import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { checkpointOf, restoreRunState, snapshotOf } from '../../src/metrics/reducer';
import { ev, fold, T0 } from '../helpers/events';

/** Task A fails on worker 1 (exit 3), is retried on worker 2 and completes; B is left running on worker 1. */
const retried = (): LifecycleEvent[] => [
  ev('worker_started', 0, { workerId: 1 }),
  ev('worker_started', 0, { workerId: 2 }),
  ev('task_created', 0, { taskId: 'A', level: 1 }),
  ev('task_created', 0, { taskId: 'B', level: 1 }),
  ev('task_claimed', 100, { taskId: 'A', workerId: 1 }),
  ev('task_started', 150, { taskId: 'A', workerId: 1 }),
  ev('task_failed', 1150, { taskId: 'A', workerId: 1, error: 'exit 3: boom', exitCode: 3 }),
  ev('task_claimed', 2000, { taskId: 'A', workerId: 2 }),
  ev('task_started', 2010, { taskId: 'A', workerId: 2 }),
  ev('task_complete', 4010, { taskId: 'A', workerId: 2 }),
  ev('task_claimed', 3000, { taskId: 'B', workerId: 1 }),
];

const Attempts = suite('attempts');

Attempts('records each attempt: worker, claim, start, end, outcome, exit code', () => {
  const { attempts } = snapshotOf(fold(retried()), T0 + 5000);
  assert.equal(
    attempts.map((a) => [a.taskId, a.attempt, a.workerId, a.claimedAt, a.startedAt, a.endedAt, a.outcome, a.exitCode]),
    [
      ['A', 1, 1, T0 + 100, T0 + 150, T0 + 1150, 'failed', 3],
      ['A', 2, 2, T0 + 2000, T0 + 2010, T0 + 4010, 'complete', null],
      ['B', 1, 1, T0 + 3000, null, null, 'running', null],
    ],
  );
  assert.is(attempts[0]?.error, 'exit 3: boom');
});

Attempts('an attempt cut short by its worker stopping is abandoned, not failed', () => {
  const { attempts } = snapshotOf(fold([...retried(), ev('worker_stopped', 3500, { workerId: 1 })]), T0 + 5000);
  const b = attempts.find((a) => a.taskId === 'B');
  assert.is(b?.outcome, 'abandoned');
  assert.is(b?.endedAt, T0 + 3500);
});

Attempts('a failure reported without its claim is still one attempt', () => {
  const { attempts } = snapshotOf(fold([ev('task_failed', 500, { taskId: 'C', workerId: 4, error: 'x' })]), T0 + 1000);
  assert.equal(
    attempts.map((a) => [a.taskId, a.attempt, a.workerId, a.claimedAt, a.endedAt, a.outcome]),
    [['C', 1, 4, null, T0 + 500, 'failed']],
  );
});

Attempts('a snapshot does not change when the fold goes on', () => {
  const state = fold(retried());
  const before = snapshotOf(state, T0 + 5000);
  fold([ev('task_started', 3100, { taskId: 'B', workerId: 1 }), ev('task_complete', 3900, { taskId: 'B', workerId: 1 })], state);
  assert.is(before.attempts[2]?.outcome, 'running');
  assert.is(snapshotOf(state, T0 + 5000).attempts[2]?.outcome, 'complete');
});

Attempts('survive a checkpoint: a restored fold ends the open attempt where it stood', () => {
  const restored = restoreRunState(JSON.parse(JSON.stringify(checkpointOf(fold(retried())))));
  assert.ok(E.isRight(restored));
  if (E.isLeft(restored)) return;
  const state = fold([ev('task_started', 3100, { taskId: 'B', workerId: 1 }), ev('task_complete', 3900, { taskId: 'B', workerId: 1 })], restored.right);
  const attempts = snapshotOf(state, T0 + 5000).attempts;
  assert.is(attempts.length, 3);
  assert.equal([attempts[2]?.startedAt, attempts[2]?.endedAt, attempts[2]?.outcome], [T0 + 3100, T0 + 3900, 'complete']);
});

Attempts('a checkpoint written before attempts were recorded restores with none', () => {
  const { attempts: _a, attemptsDropped: _d, ...older } = checkpointOf(fold(retried()));
  const restored = restoreRunState(JSON.parse(JSON.stringify(older)));
  assert.ok(E.isRight(restored));
  if (E.isRight(restored)) assert.equal(snapshotOf(restored.right, T0 + 5000).attempts, []);
});

Attempts.run();

const Interrupted = suite('attempts: interruptions');

Interrupted('an attempt cut short by a stop is interrupted, with its reason', () => {
  const events = [...retried(), ev('task_interrupted', 3500, { taskId: 'B', workerId: 1, reason: 'signal' }), ev('worker_stopped', 3600, { workerId: 1 })];
  const b = snapshotOf(fold(events), T0 + 5000).attempts.find((a) => a.taskId === 'B');
  assert.equal([b?.outcome, b?.endedAt, b?.error], ['interrupted', T0 + 3500, 'signal']);
});

Interrupted('an interruption recorded after its worker stopped marks that attempt, and leaves earlier snapshots alone', () => {
  const state = fold([...retried(), ev('worker_stopped', 3500, { workerId: 1 })]);
  const before = snapshotOf(state, T0 + 5000);
  fold([ev('task_interrupted', 3600, { taskId: 'B', workerId: 1, reason: 'signal' })], state);
  assert.is(before.attempts[2]?.outcome, 'abandoned');
  const after = snapshotOf(state, T0 + 5000).attempts[2];
  assert.equal([after?.outcome, after?.endedAt, after?.error], ['interrupted', T0 + 3500, 'signal']);
});

Interrupted.run();
