/**
 * DESIGN §8 at the crash boundary: 20 SIGKILLs of `rush` on a 30-task graph, each in the middle of
 * a seeded n-th append to the events log (a crash point: half the line written), each followed by
 * `rush --resume`. After every kill the state file decodes; at the end every task is recorded
 * complete exactly once (none ran again after its recorded completion), and `status --json`
 * counts what a clean run of the same graph counts.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath, statePath } from '../../src/state/layout';
import { readStateFile } from '../../src/state/stateManager';
import { killAt } from '../helpers/crashPoint';
import { mulberry32 } from '../helpers/seededRandom';
import { tempDirPerTest } from '../helpers/tempDir';
import { MAIN, readEvents, runCli, writeCountingGraph } from '../orchestrator/cliHarness';

const FEATURE = 'kills';
const KILLS = 20;
const TASKS = Array.from({ length: 30 }, (_, i) => `K-${String(i + 1).padStart(2, '0')}`);

const kills = suite('rush killed 20 times');
let dir = '';
tempDirPerTest(kills, 'mahabharatha-kills-', (d) => (dir = d));

/** 30 tasks in 5 levels of 6; each run of a command appends a line to `runs/<id>`. */
const writeGraph = (): string => writeCountingGraph(dir, FEATURE, TASKS, 6, 0.05);

interface Counts {
  readonly tasks_total: number;
  readonly tasks_completed: number;
  readonly tasks_failed: number;
  readonly levels_completed: number;
  readonly levels: (readonly [number, number, number, number])[];
}

async function statusCounts(stateDir: string): Promise<Counts> {
  const status = await runCli(['status', '--json', '--feature', FEATURE, '--state-dir', stateDir], { cwd: dir });
  assert.is(status.code, 0, status.stderr);
  const m = (JSON.parse(status.stdout) as { metrics: Record<string, unknown> }).metrics as {
    tasks_total: number;
    tasks_completed: number;
    tasks_failed: number;
    levels_completed: number;
    level_metrics: { level: number; task_count: number; completed_count: number; failed_count: number }[];
  };
  return {
    tasks_total: m.tasks_total,
    tasks_completed: m.tasks_completed,
    tasks_failed: m.tasks_failed,
    levels_completed: m.levels_completed,
    levels: m.level_metrics.map((l) => [l.level, l.task_count, l.completed_count, l.failed_count] as const),
  };
}

kills('every task completes exactly once, the state decodes after each kill, and the counts are a clean run’s', async () => {
  const graph = writeGraph();
  const stateDir = path.join(dir, 'state');
  const args = ['rush', '--graph', graph, '--workers', '2', '--state-dir', stateDir];
  const rand = mulberry32(11);
  for (let i = 0; i < KILLS; i += 1) {
    // A resume appends ~7 lines of its own (old workers closed, new ones started and ready); past those, a few task moments.
    const nth = 8 + Math.floor(rand() * 6);
    const first = !fs.existsSync(eventsPath(stateDir, FEATURE));
    // Killed with half of its nth line appended: the log ends in a torn line, as after a crash mid-write.
    await killAt([MAIN, ...(first ? args : [...args, '--resume'])], { cwd: dir, point: 'mid-append', nth });
    assert.not.ok(fs.readFileSync(eventsPath(stateDir, FEATURE), 'utf8').endsWith('\n'), `kill ${i + 1}: the log ends in half a line`);
    const state = readStateFile(statePath(stateDir, FEATURE));
    assert.ok(E.isRight(state), `the state decodes after kill ${i + 1}: ${JSON.stringify(state)}`);
  }
  const last = await runCli([...args, '--resume'], { cwd: dir });
  assert.is(last.code, 0, last.stdout + last.stderr);

  const { events } = readEvents(stateDir, FEATURE);
  for (const id of TASKS) {
    assert.is(events.filter((e) => e.type === 'task_complete' && e.data.taskId === id).length, 1, `${id} recorded complete once`);
    assert.ok(fs.readFileSync(path.join(dir, 'runs', id), 'utf8').split('\n').filter(Boolean).length >= 1, `${id} ran`);
  }
  assert.is(events.filter((e) => e.type === 'rush_completed').length, 1);

  const cleanDir = path.join(dir, 'clean');
  const clean = await runCli(['rush', '--graph', graph, '--workers', '2', '--state-dir', cleanDir], { cwd: dir });
  assert.is(clean.code, 0, clean.stderr);
  const expected = await statusCounts(cleanDir);
  assert.equal(expected.tasks_completed, 30);
  assert.equal(await statusCounts(stateDir), expected);
});

kills.run();
