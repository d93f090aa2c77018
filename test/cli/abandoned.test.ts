/**
 * A run that never recorded its end: running while its orchestrator lives, `abandoned` once it is
 * known gone (DESIGN §4.3) — by the lock's pid on this host, or, for upstream runs that hold no
 * lock, by their workers' heartbeat files going stale. Through the built CLI, as a user reads it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath, statePath } from '../../src/state/layout';
import { lockPath } from '../../src/state/runLock';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { tempDirPerTest } from '../helpers/tempDir';
import { MAIN, requireBuild } from '../orchestrator/cliHarness';

let dir = '';
const abandoned = suite('status of a run that never ended');
tempDirPerTest(abandoned, 'mahabharatha-abandoned-', (d) => (dir = d));

const status = (args: string[] = []) => {
  requireBuild();
  return spawnSync(process.execPath, [MAIN, 'status', '--state-dir', dir, '--feature', 'f', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', NO_COLOR: '1' } });
};

/** A log cut before its end: no rush_completed, workers still busy. */
function unfinishedLog(): void {
  const events = generateRun(mulberry32(3), { workers: 2, tasksPerLevel: [3, 2], producer: 'orch-1', feature: 'f', failRate: 0, startAt: Date.now() - 60_000 });
  const cut = events.findIndex((e) => e.type === 'level_complete');
  fs.writeFileSync(eventsPath(dir, 'f'), toJsonl(events.slice(0, cut)));
}

const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
const lock = (pid: number, host = os.hostname()) => fs.writeFileSync(lockPath(dir, 'f'), JSON.stringify({ pid, host }));

abandoned('is running while the process holding its lock lives', () => {
  unfinishedLog();
  lock(process.pid);
  const r = status();
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Run: RUNNING/m);
});

abandoned('is abandoned when the lock names a process of this host that is gone, in text and --json', () => {
  unfinishedLog();
  lock(deadPid());
  const r = status();
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Run: ABANDONED/m);
  assert.not.match(r.stdout, /ETA/);
  const doc = JSON.parse(status(['--json']).stdout) as { status: string; run: { status: string; eta_ms: number | null } };
  assert.equal([doc.status, doc.run.status, doc.run.eta_ms], ['abandoned', 'abandoned', null]);
});

abandoned('an upstream run, with no lock, is abandoned when its heartbeat files are older than the stall bound', () => {
  const state = {
    feature: 'f',
    started_at: new Date(Date.now() - 600_000).toISOString().replace('Z', '+00:00'),
    current_level: 1,
    tasks: { 'F-L1-001': { status: 'in_progress', worker_id: 1, claimed_at: new Date(Date.now() - 500_000).toISOString(), started_at: new Date(Date.now() - 500_000).toISOString() } },
    workers: { '1': { worker_id: 1, status: 'running', started_at: new Date(Date.now() - 590_000).toISOString() } },
    levels: { '1': { status: 'running' } },
    execution_log: [],
    metrics: null,
  };
  fs.writeFileSync(statePath(dir, 'f'), JSON.stringify(state));
  const beat = (ageMs: number) => fs.writeFileSync(path.join(dir, 'heartbeat-1.json'), JSON.stringify({ worker_id: 1, timestamp: new Date(Date.now() - ageMs).toISOString(), task_id: 'F-L1-001' }));
  beat(5_000);
  assert.match(status().stdout, /^Run: RUNNING/m, 'a fresh heartbeat: still running, however long its task');
  beat(300_000);
  assert.match(status().stdout, /^Run: ABANDONED/m);
  const doc = JSON.parse(status(['--json']).stdout) as { workers: { worker_id: number; last_heartbeat_at: string | null }[] };
  assert.ok(doc.workers[0]?.last_heartbeat_at, 'the heartbeat file counts as the worker’s heartbeat');
});

abandoned.run();
