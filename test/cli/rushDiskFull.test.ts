/**
 * DESIGN §8: a full disk under the log append or the state write stops `rush` — workers stopped,
 * the last good state kept (it decodes), the lock released, one line, no stack, exit 1 — and
 * `rush --resume` once there is room again completes, with no task completed twice. Real small
 * file systems (tmpfs) where the tests run as root: the log on one of its own, or the state dir
 * on one; else an injected ENOSPC on the same writes.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { lockPath } from '../../src/state/runLock';
import { eventsPath, statePath } from '../../src/state/layout';
import { readStateFile } from '../../src/state/stateManager';
import { bindFile, canMount, fillUp, mountTmpfs, unmount } from '../helpers/smallDisk';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { readEvents, runCli, startCli, waitForEvents, writeCountingGraph } from '../orchestrator/cliHarness';

const FEATURE = 'full';
const TASKS = Array.from({ length: 12 }, (_, i) => `F-${String(i + 1).padStart(2, '0')}`);

const full = suite('rush on a full disk');
let dir = '';
const mounts: string[] = [];
full.before.each(() => {
  dir = makeTempDir('mahabharatha-full-');
});
full.after.each(() => {
  // Innermost first: bind mounts, then the tmpfs under them; then the directory.
  while (mounts.length) unmount(mounts.pop() as string);
  removeTempDir(dir);
});

/** 12 tasks in 3 levels of 4; each run appends a line to `runs/<id>` in the working directory. */
const writeGraph = (): string => writeCountingGraph(dir, FEATURE, TASKS, 4, 0.1);

const completions = (events: readonly LifecycleEvent[], id: string): number => events.filter((e) => e.type === 'task_complete' && e.data.taskId === id).length;

/** What a stop for want of disk leaves: one line, no stack, exit 1, a state that decodes, no lock. */
function assertStoppedCleanly(run: { code: number | null; stderr: string }, stateDir: string, file: RegExp): void {
  assert.is(run.code, 1, run.stderr);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.is(lines.length, 1, `one line on stderr:\n${run.stderr}`);
  assert.match(lines[0] ?? '', file);
  assert.match(lines[0] ?? '', /no space left on the device \(ENOSPC\); the run is stopped and its last good state kept; free some space, then continue with: mahabharatha rush .*--resume$/);
  const state = readStateFile(statePath(stateDir, FEATURE));
  assert.ok(E.isRight(state) && state.right !== null, 'the last good state decodes');
  assert.not.ok(fs.existsSync(lockPath(stateDir, FEATURE)), 'the lock is released');
}

/** After freeing space: `--resume` completes every task, each recorded complete exactly once. */
async function assertResumes(graph: string, stateDir: string): Promise<void> {
  const again = await runCli(['rush', '--graph', graph, '--workers', '3', '--state-dir', stateDir, '--resume'], { cwd: dir, timeoutMs: 30_000 });
  assert.is(again.code, 0, again.stdout + again.stderr);
  const { events } = readEvents(stateDir, FEATURE);
  for (const id of TASKS) assert.is(completions(events, id), 1, `${id} recorded complete exactly once`);
  const status = await runCli(['status', '--json', '--feature', FEATURE, '--state-dir', stateDir], { cwd: dir });
  const doc = JSON.parse(status.stdout) as { metrics: { tasks_completed: number; tasks_total: number } };
  assert.equal([doc.metrics.tasks_completed, doc.metrics.tasks_total], [12, 12]);
}

/** A disk that fills up on demand, under the log or under the state file. */
interface Disk {
  /** Extra arguments of the first run (a mount point makes the log exist: a resume of nothing). */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  fill(): void;
  free(): void;
}

/** Real: the log on a tmpfs of its own (bind-mounted), or the state dir on one. */
function tmpfsDisk(stateDir: string, under: 'log' | 'state'): Disk {
  const small = under === 'log' ? path.join(dir, 'small') : stateDir;
  // Room for a state file and its replacement (a few tens of KB each), until it is filled up.
  mountTmpfs(small, 256 * 1024);
  mounts.push(small);
  bindFile(under === 'log' ? path.join(small, 'log') : path.join(dir, 'events.jsonl'), eventsPath(stateDir, FEATURE));
  mounts.push(eventsPath(stateDir, FEATURE));
  let filler = '';
  return { args: ['--resume'], env: {}, fill: () => (filler = fillUp(small)), free: () => fs.rmSync(filler) };
}

/** Injected (not root): writes to the log, or to the state file's temp files, fail while a flag file exists. */
function injectedDisk(under: 'log' | 'state'): Disk {
  const flag = path.join(dir, 'disk-is-full');
  return {
    args: [],
    env: {
      NODE_OPTIONS: `--require ${path.join(__dirname, '..', 'helpers', 'injectFullDisk.js')}`,
      MAHABHARATHA_TEST_FULL_FLAG: flag,
      MAHABHARATHA_TEST_FULL_FILES: under === 'log' ? `${FEATURE}-events\\.jsonl$` : `\\.${FEATURE}\\.json\\.\\d+\\.[0-9a-f]+\\.tmp$`,
    },
    fill: () => fs.writeFileSync(flag, ''),
    free: () => fs.rmSync(flag),
  };
}

const diskUnder = (stateDir: string, under: 'log' | 'state'): Disk => (canMount() ? tmpfsDisk(stateDir, under) : injectedDisk(under));

for (const [under, file] of [
  ['log', /cannot write .*full-events\.jsonl/],
  ['state', /cannot write .*full\.json:/],
] as const) {
  full(`the ${under === 'log' ? 'log append' : 'state write'} runs out of room mid-run: the run stops cleanly, and resumes once there is room`, async () => {
    const graph = writeGraph();
    const stateDir = path.join(dir, 'state');
    const disk = diskUnder(stateDir, under);
    const started = startCli(['rush', '--graph', graph, '--workers', '3', '--state-dir', stateDir, ...disk.args], { cwd: dir, timeoutMs: 20_000, env: disk.env });
    // Full once the first level is done (its state written), while level 2 runs.
    await waitForEvents(stateDir, FEATURE, (events) => events.some((e) => e.type === 'level_complete') && fs.existsSync(statePath(stateDir, FEATURE)));
    disk.fill();
    const run = await started.result;
    assertStoppedCleanly(run, stateDir, file);
    const { events } = readEvents(stateDir, FEATURE);
    assert.ok(events.filter((e) => e.type === 'task_complete').length < TASKS.length, 'the run stopped before its end');
    disk.free();
    await assertResumes(graph, stateDir);
  });
}

full.run();
