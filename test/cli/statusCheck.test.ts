/**
 * `mahabharatha status --check` end to end: each documented exit code from the built binary, on
 * events logs generated here; the same verdict in `--json` (`status`, `stalled_workers`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import type { RunSnapshot } from '../../src/metrics/snapshot';
import { eventsPath } from '../../src/state/layout';
import { lockPath } from '../../src/state/runLock';
import { CHECK_EXIT, checkOutcome } from '../../src/views/checkOutcome';
import { snapshotAt } from '../helpers/events';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';
import { runCli } from '../orchestrator/cliHarness';

const complete = (workers = 2): LifecycleEvent[] => generateRun(mulberry32(5), { workers, tasksPerLevel: [2, 2], failRate: 0, feature: 'gate' });
/** The complete run cut right after its last `task_started` (a worker is busy, nothing has ended), each worker's heartbeat last. */
function midTask(workers = 2): LifecycleEvent[] {
  const events = complete(workers);
  const cut = events.slice(0, events.map((e) => e.type).lastIndexOf('task_started') + 1);
  const at = (cut[cut.length - 1] as LifecycleEvent).ts;
  const beats = Array.from({ length: workers }, (_, w) => ({ type: 'worker_heartbeat', ts: at, data: { workerId: w } }) as LifecycleEvent);
  return [...cut, ...beats];
}
const stopped = (): LifecycleEvent[] => {
  const cut = midTask();
  const at = (cut[cut.length - 1]?.ts ?? 0) + 10;
  return [...cut, { type: 'rush_stopped', ts: at, data: {} } as LifecycleEvent];
};
const failed = (): LifecycleEvent[] => generateRun(mulberry32(5), { workers: 2, tasksPerLevel: [2, 2], failRate: 1, maxRetries: 0, feature: 'gate' });

/**
 * `status --check` on a state dir holding `events`. A run that never ended gets a lock held by a
 * live process of this host (this test's): its orchestrator is there, so the run is running, not
 * abandoned, however old its heartbeats.
 */
const check = (events: readonly LifecycleEvent[], args: readonly string[] = []) =>
  withTempDir(async (root) => {
    const stateDir = path.join(root, 'state');
    fs.mkdirSync(stateDir);
    fs.writeFileSync(eventsPath(stateDir, 'gate'), toJsonl(events));
    if (!events.some((e) => e.type === 'rush_completed' || e.type === 'rush_stopped')) {
      fs.writeFileSync(lockPath(stateDir, 'gate'), `${JSON.stringify({ pid: process.pid, host: os.hostname() })}\n`);
    }
    return runCli(['status', '--check', '--state-dir', stateDir, ...args], { cwd: root });
  });

const Check = suite('status --check');

const cases: Array<[string, (workers?: number) => LifecycleEvent[], readonly string[], number, RegExp]> = [
  ['a complete run exits 0', complete, [], 0, /^gate: complete$/m],
  ['a run with a task failed for good exits 3', failed, [], 3, /^gate: failed$/m],
  ['a stopped run exits 4', stopped, [], 4, /^gate: stopped$/m],
  // The log's events are months old: the workers' heartbeats stopped far longer ago than --stall-after.
  ['a running run with a stalled worker exits 5', midTask, ['--stall-after', '60'], 5, /^gate: running, 2 workers stalled \(0, 1\)$/m],
  ['a running run with no stalled worker exits 6', midTask, ['--stall-after', '1000000000'], 6, /^gate: running$/m],
];
for (const [name, events, args, code, line] of cases) {
  Check(name, async () => {
    const r = await check(events(), args);
    assert.is(r.code, code, r.stderr);
    assert.match(r.stdout, line);
  });
}

Check('a run whose orchestrator is gone (its lock names a dead process of this host) is abandoned: exit 4', async () => {
  const dead = spawnSync('true').pid as number;
  const r = await withTempDir(async (root) => {
    const stateDir = path.join(root, 'state');
    fs.mkdirSync(stateDir);
    fs.writeFileSync(eventsPath(stateDir, 'gate'), toJsonl(midTask()));
    fs.writeFileSync(lockPath(stateDir, 'gate'), `${JSON.stringify({ pid: dead, host: os.hostname() })}\n`);
    return runCli(['status', '--check', '--json', '--state-dir', stateDir], { cwd: root });
  });
  assert.is(r.code, CHECK_EXIT.stopped, r.stderr);
  assert.is((JSON.parse(r.stdout) as { status: string }).status, 'abandoned');
});

Check('with --json, prints the document with the verdict and exits with the code', async () => {
  const r = await check(midTask(), ['--json', '--stall-after', '60']);
  assert.is(r.code, CHECK_EXIT.stalled, r.stderr);
  const doc = JSON.parse(r.stdout) as { status: string; stalled_workers: number[] };
  assert.is(doc.status, 'running');
  assert.equal(doc.stalled_workers, [0, 1]);
});

const snapshot = (events: readonly LifecycleEvent[], now: number): RunSnapshot => snapshotAt(events, now, 'gate');

const Outcome = suite('checkOutcome');

Outcome('an abandoned run is a stop (4)', () => {
  const s = { ...snapshot(midTask(), Date.now()), status: 'abandoned' } as unknown as RunSnapshot;
  assert.is(checkOutcome(s, { now: Date.now(), stallAfterMs: 1000 }).exitCode, CHECK_EXIT.stopped);
});

Outcome('a worker is stalled once its heartbeats stopped longer ago than the bound, not before', () => {
  const events = midTask(1);
  const last = events[events.length - 1] as LifecycleEvent;
  const s = snapshot(events, last.ts);
  const silentSince = s.metrics.workerMetrics[0]?.lastHeartbeatAt ?? NaN;
  assert.is(silentSince, last.ts);
  assert.equal(checkOutcome(s, { now: silentSince + 60_000, stallAfterMs: 60_000 }).stalledWorkers, []);
  assert.equal(checkOutcome(s, { now: silentSince + 60_001, stallAfterMs: 60_000 }).stalledWorkers, [0]);
});

Outcome('a worker that sends heartbeats is stalled when they stop, busy or not, and not while they go on', () => {
  const events = midTask(1);
  const last = (events[events.length - 1] as LifecycleEvent).ts;
  const beat = (dt: number): LifecycleEvent => ({ type: 'worker_heartbeat', ts: last + dt, data: { workerId: 0 } }) as LifecycleEvent;
  // A long task with heartbeats all along: not stalled.
  const beating = snapshot([...events, beat(50_000), beat(100_000)], last + 120_000);
  assert.equal(checkOutcome(beating, { now: last + 120_000, stallAfterMs: 60_000 }).stalledWorkers, []);
  // The heartbeats stopped 70 s ago: stalled.
  assert.equal(checkOutcome(beating, { now: last + 170_000, stallAfterMs: 60_000 }).stalledWorkers, [0]);
  assert.is(checkOutcome(beating, { now: last + 170_000, stallAfterMs: 60_000 }).exitCode, CHECK_EXIT.stalled);
  // An abandoned run holds nobody up: no stall, exit 4.
  const abandoned = checkOutcome(beating, { now: last + 170_000, stallAfterMs: 60_000, status: 'abandoned' });
  assert.equal([abandoned.stalledWorkers, abandoned.exitCode], [[], CHECK_EXIT.stopped]);
});

Outcome('no worker of an ended run is stalled', () => {
  const events = stopped();
  const s = snapshot(events, Date.now());
  assert.equal(checkOutcome(s, { now: Date.now(), stallAfterMs: 1 }).stalledWorkers, []);
});

Check.run();
Outcome.run();
