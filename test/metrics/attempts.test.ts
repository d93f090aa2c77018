import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { AttemptLog, MAX_ATTEMPTS, NO_ATTEMPT } from '../../src/metrics/attempts';
import { checkpointOf, restoreRunState } from '../../src/metrics/checkpoint';
import { snapshotOf } from '../../src/metrics/snapshotOf';
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

Interrupted('an interruption recorded after a restart marks the attempt its worker abandoned before it', () => {
  const restored = restoreRunState(JSON.parse(JSON.stringify(checkpointOf(fold([...retried(), ev('worker_stopped', 3500, { workerId: 1 })])))));
  assert.ok(E.isRight(restored));
  if (E.isLeft(restored)) return;
  const state = fold([ev('task_interrupted', 3600, { taskId: 'B', workerId: 1, reason: 'signal' })], restored.right);
  const b = snapshotOf(state, T0 + 5000).attempts[2];
  assert.equal([b?.taskId, b?.outcome, b?.endedAt, b?.error], ['B', 'interrupted', T0 + 3500, 'signal']);
});

Interrupted.run();

const Log = suite('AttemptLog');

Log('keeps every field of thousands of attempts, unknown numbers as null', () => {
  const log = new AttemptLog();
  const n = 2500;
  for (let k = 0; k < n; k++) {
    const i = log.open(`T${k}`, (k % 3) + 1, k % 5 === 0 ? null : k % 8, k % 7 === 0 ? null : T0 + k);
    assert.is(i, k);
    if (k % 2 === 0) log.started(i, T0 + k + 1);
    if (k % 4 === 0) log.close(i, T0 + k + 2, 'failed', `exit ${k}`, k % 256);
    else if (k % 4 === 1) log.close(i, T0 + k + 2, 'complete');
  }
  const records = log.records();
  assert.is(records.length, n);
  for (const k of [0, 1, 2, 3, 1023, 1024, 1025, 2047, 2048, 2499]) {
    const r = records[k];
    assert.equal(
      [r?.taskId, r?.attempt, r?.workerId, r?.claimedAt, r?.startedAt, r?.endedAt, r?.outcome, r?.error, r?.exitCode],
      [
        `T${k}`,
        (k % 3) + 1,
        k % 5 === 0 ? null : k % 8,
        k % 7 === 0 ? null : T0 + k,
        k % 2 === 0 ? T0 + k + 1 : null,
        k % 4 < 2 ? T0 + k + 2 : null,
        k % 4 === 0 ? 'failed' : k % 4 === 1 ? 'complete' : 'running',
        k % 4 === 0 ? `exit ${k}` : null,
        k % 4 === 0 ? k % 256 : null,
      ],
      `attempt ${k}`,
    );
  }
});

Log('an attempt ends once: a second end, or a start after the end, changes nothing', () => {
  const log = new AttemptLog();
  const i = log.open('A', 1, 1, T0);
  log.close(i, T0 + 10, 'complete');
  log.close(i, T0 + 20, 'abandoned');
  log.started(i, T0 + 30);
  assert.equal(log.records()[0], { taskId: 'A', attempt: 1, workerId: 1, claimedAt: T0, startedAt: null, endedAt: T0 + 10, outcome: 'complete', error: null, exitCode: null });
});

Log('a closed record is made once and shared by later snapshots; an open one is made afresh', () => {
  const log = new AttemptLog();
  const closed = log.open('A', 1, 1, T0);
  log.close(closed, T0 + 10, 'failed', 'boom');
  log.open('B', 1, 2, T0 + 5);
  const first = log.records();
  const second = log.records();
  assert.ok(first[0] === second[0]);
  assert.ok(first[1] !== second[1]);
  assert.equal(first[1], second[1]);
});

Log('past MAX_ATTEMPTS new attempts are counted as dropped, not recorded', () => {
  const log = new AttemptLog();
  for (let k = 0; k < MAX_ATTEMPTS; k++) log.open('A', k + 1, 1, T0 + k);
  assert.is(log.open('A', MAX_ATTEMPTS + 1, 1, T0), NO_ATTEMPT);
  assert.is(log.open('B', 1, 1, T0), NO_ATTEMPT);
  assert.is(log.length, MAX_ATTEMPTS);
  assert.is(log.dropped, 2);
});

Log('restores what records gave, open attempts still open', () => {
  const log = new AttemptLog();
  log.close(log.open('A', 1, 1, T0), T0 + 10, 'failed', 'boom', 2);
  const open = log.open('A', 2, 3, T0 + 20);
  log.started(open, T0 + 25);
  const restored = AttemptLog.restore(JSON.parse(JSON.stringify(log.records())), 4);
  assert.equal(restored.records(), log.records());
  assert.is(restored.dropped, 4);
  assert.ok(restored.isRunning(1));
  assert.not.ok(restored.isRunning(0));
});

Log.run();
