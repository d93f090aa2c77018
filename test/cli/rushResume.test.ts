import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { FeatureMetrics } from '../../src/metrics/types';
import { tempDirPerTest } from '../helpers/tempDir';
import { copyGraph, readEvents, readState, runCli, runsOf, startCli, waitForEvents } from '../orchestrator/cliHarness';

const KILL_TASKS = ['KM-L1-001', 'KM-L2-001', 'KM-L2-002', 'KM-L2-003', 'KM-L2-004', 'KM-L3-001'];
const ARGS = ['rush', '--graph', 'kill.task-graph.json', '--workers', '2', '--state-dir', 'state'];

let dir = '';
const resume = suite('rushCommand --resume');
tempDirPerTest(resume, 'mahabharatha-resume-', (d) => {
  dir = d;
  copyGraph('kill.task-graph.json', dir);
});

const stateDir = (): string => path.join(dir, 'state');
const completedIn = (events: readonly LifecycleEvent[]): Set<string> =>
  new Set(events.flatMap((e) => (e.type === 'task_complete' ? [e.data.taskId] : [])));
/** The first level-2 task is done while the long ones still run: the middle of level 2. */
const midLevel2 = (events: readonly LifecycleEvent[]): boolean => [...completedIn(events)].some((id) => id.startsWith('KM-L2-'));

/** What every resumed run must show once it has completed. */
function assertCompletedOnce(completedBefore: ReadonlySet<string>): void {
  for (const id of KILL_TASKS) {
    if (completedBefore.has(id)) assert.is(runsOf(dir, id), 1, `${id} completed before the stop and was not run again`);
    else assert.ok(runsOf(dir, id) >= 1, `${id} ran`);
  }
  const state = readState(stateDir(), 'killme');
  for (const id of KILL_TASKS) assert.is(state.tasks?.[id]?.status, 'complete', id);
  assert.is(state.error, null);
  const decoded = FeatureMetrics.decode(state.metrics);
  if (decoded._tag !== 'Right') return assert.unreachable('metrics decode');
  const m = decoded.right;
  assert.equal([m.tasksTotal, m.tasksCompleted, m.tasksFailed, m.levelsCompleted], [6, 6, 0, 3], 'each task counted once');
  assert.equal(m.levelMetrics.map((l) => [l.level, l.taskCount, l.completedCount]), [
    [1, 1, 1],
    [2, 4, 4],
    [3, 1, 1],
  ]);
  assert.is(m.workerMetrics.reduce((n, w) => n + w.tasksCompleted, 0), 6);

  const { events, rejects } = readEvents(stateDir(), 'killme');
  assert.equal(rejects, [], 'the log decodes with zero rejects');
  assert.is(events.filter((e) => e.type === 'rush_started').length, 1, 'rush_started is not recorded again');
  assert.is(events.filter((e) => e.type === 'task_created').length, 6, 'tasks are created once');
  // Each producer's seq runs 1, 2, 3, ... in the log.
  const producers = new Map<string, number[]>();
  for (const e of events) producers.set(e.producer ?? '', [...(producers.get(e.producer ?? '') ?? []), e.seq ?? -1]);
  assert.is(producers.size, 2, 'one producer per orchestrator process');
  for (const seqs of producers.values()) assert.equal(seqs, seqs.map((_, i) => i + 1));
  // The run's duration spans both processes: from the first start to the final completion.
  const first = events.find((e) => e.type === 'rush_started');
  const last = events[events.length - 1];
  assert.is(last?.type, 'rush_completed');
  assert.is(m.totalDurationMs, Math.trunc((last?.ts ?? 0) - (first?.ts ?? 0)));
  // Workers of the second process take the same slots (DESIGN §5): still 2 workers used.
  const [firstProducer, secondProducer] = [...producers.keys()];
  const idsOf = (p: string | undefined): number[] => events.flatMap((e) => (e.type === 'worker_started' && e.producer === p ? [e.data.workerId] : []));
  assert.equal(idsOf(secondProducer), idsOf(firstProducer), 'the resumed run reuses the worker slots');
  assert.is(m.workersUsed, 2);
  for (const w of m.workerMetrics) {
    assert.ok(w.stoppedAt !== null && w.stoppedAt !== undefined, `worker ${w.workerId} has an end`);
    assert.ok(w.initializationMs !== null && w.initializationMs > 0, `worker ${w.workerId} initialization_ms`);
  }
}

resume('after SIGKILL mid-level, --resume completes the run without re-running completed tasks', async () => {
  const first = startCli(ARGS, { cwd: dir });
  const seen = await waitForEvents(stateDir(), 'killme', midLevel2);
  first.child.kill('SIGKILL');
  const killed = await first.result;
  assert.is(killed.signal, 'SIGKILL');
  const afterKill = readEvents(stateDir(), 'killme').events;
  const completedBefore = completedIn(afterKill);
  assert.ok(completedBefore.has('KM-L1-001') && completedBefore.size < KILL_TASKS.length, `killed mid-run (${[...completedBefore]})`);
  // Every event appended before the kill is still there, in order: a SIGKILL loses nothing written.
  assert.equal(afterKill.slice(0, seen.length), seen);

  const second = await runCli([...ARGS, '--resume'], { cwd: dir });
  assert.is(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, new RegExp(`resuming killme: ${completedBefore.size} of 6 tasks complete, from level 2`));
  assert.match(second.stdout, /level 2 started \(4 tasks, \d already complete\)/);
  for (const id of completedBefore) assert.not.match(second.stdout, new RegExp(`✓ ${id} `), `${id} not re-run`);
  assertCompletedOnce(completedBefore);

  // The first process's workers ended with it: recorded as crashed at their last known moment.
  const { events } = readEvents(stateDir(), 'killme');
  const crashed = events.filter((e) => e.type === 'worker_crashed');
  assert.is(crashed.length, 2);
});

resume('SIGINT stops the workers, records their end and the stop, flushes the state, exits 130; --resume finishes', async () => {
  const first = startCli(ARGS, { cwd: dir });
  await waitForEvents(stateDir(), 'killme', midLevel2);
  first.child.kill('SIGINT');
  const stopped = await first.result;
  assert.is(stopped.code, 130, stopped.stdout + stopped.stderr);
  assert.match(stopped.stdout, /rush stopped by SIGINT: \d of 6 tasks complete/);
  assert.match(stopped.stdout, /continue with: mahabharatha rush --graph kill\.task-graph\.json --state-dir state --resume/);
  const { events } = readEvents(stateDir(), 'killme');
  const tail = events.slice(-3).map((e) => e.type);
  assert.equal(tail, ['worker_stopped', 'worker_stopped', 'rush_stopped']);
  assert.equal(events[events.length - 1]?.data, { reason: 'signal' });
  // The attempts the stop cut short are recorded as interrupted, not failed.
  const interrupted = events.filter((e) => e.type === 'task_interrupted');
  assert.ok(interrupted.length >= 1, 'a level-2 task was running');
  assert.not.ok(events.some((e) => e.type === 'task_failed'));
  const state = readState(stateDir(), 'killme');
  assert.ok(Object.values(state.workers ?? {}).every((w) => w.status === 'stopped'), 'the state was flushed after the stop');
  assert.not.ok(fs.existsSync(path.join(stateDir(), 'killme.rush.lock')));
  const completedBefore = completedIn(events);

  const second = await runCli([...ARGS, '--resume'], { cwd: dir });
  assert.is(second.code, 0, second.stdout + second.stderr);
  assertCompletedOnce(completedBefore);
});

resume('Ctrl-C during a retry reads STOPPED, not FAILED; after --resume the attempts are 1, 2, 3 and the workers stay 2', async () => {
  copyGraph('retry-stop.task-graph.json', dir);
  const args = ['rush', '--graph', 'retry-stop.task-graph.json', '--workers', '2', '--state-dir', 'state'];
  const first = startCli(args, { cwd: dir, env: { MAHABHARATHA_HEARTBEAT_MS: '100' } });
  // The retry (second claim) has started its long command, and that command has counted itself.
  const count = path.join(dir, 'RS.count');
  await waitForEvents(stateDir(), 'retrystop', (events) => events.filter((e) => e.type === 'task_started').length >= 2 && fs.existsSync(count) && fs.readFileSync(count, 'utf8') === '2');
  first.child.kill('SIGINT');
  assert.is((await first.result).code, 130);

  const status = await runCli(['status', '--state-dir', 'state', '--feature', 'retrystop', '--no-color'], { cwd: dir, env: { TZ: 'UTC' } });
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /^Run: STOPPED \(signal\)/m);
  assert.not.match(status.stdout, /FAILED|failed after/);
  assert.match(status.stdout, /RS-L1-001 +attempt 1 +worker \d +\S+ +✗ not recovered +exit 3: first attempt fails/);
  assert.match(status.stdout, /RS-L1-001 +attempt 2 +worker \d +\S+ +■ interrupted +signal/);
  assert.match(status.stdout, /Level 1: ■ STOPPED/);
  const stoppedDoc = JSON.parse((await runCli(['status', '--json', '--state-dir', 'state', '--feature', 'retrystop'], { cwd: dir })).stdout) as Record<string, any>;
  assert.is(stoppedDoc.status, 'stopped');
  assert.is(stoppedDoc.metrics.tasks_failed, 0, 'an interrupted attempt is no failure, and the failed one had a retry');

  const second = await runCli([...args, '--resume'], { cwd: dir });
  assert.is(second.code, 0, second.stdout + second.stderr);
  const doc = JSON.parse((await runCli(['status', '--json', '--state-dir', 'state', '--feature', 'retrystop'], { cwd: dir })).stdout) as Record<string, any>;
  assert.is(doc.status, 'complete');
  const task = (doc.tasks as { task_id: string; attempts: number }[]).find((t) => t.task_id === 'RS-L1-001');
  assert.is(task?.attempts, 3, 'attempts numbered by claims: failed, interrupted, passed');
  assert.equal((doc.failures as { attempt: number }[]).map((f) => f.attempt), [1, 2]);
  assert.is(doc.metrics.workers_used, 2);
  assert.ok(doc.metrics.active_duration_ms <= doc.metrics.total_duration_ms);
});

resume('SIGTERM exits 143', async () => {
  const first = startCli(ARGS, { cwd: dir });
  await waitForEvents(stateDir(), 'killme', (events) => events.some((e) => e.type === 'task_started'));
  first.child.kill('SIGTERM');
  const stopped = await first.result;
  assert.is(stopped.code, 143);
  assert.is(readEvents(stateDir(), 'killme').events.pop()?.type, 'rush_stopped');
});

resume('resuming a completed run does nothing', async () => {
  const done = await runCli(ARGS, { cwd: dir });
  assert.is(done.code, 0);
  const size = fs.statSync(path.join(stateDir(), 'killme-events.jsonl')).size;
  const again = await runCli([...ARGS, '--resume'], { cwd: dir });
  assert.is(again.code, 0);
  assert.match(again.stdout, /nothing to resume: every task of killme is complete/);
  assert.is(fs.statSync(path.join(stateDir(), 'killme-events.jsonl')).size, size, 'nothing appended');
});

resume.run();
