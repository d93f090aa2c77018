/**
 * DESIGN §5: task commands run where `rush` was started (or in `--cwd DIR`), never in the graph
 * file's folder, and the directory is printed and recorded; `--workers` is capped at the widest
 * level's task count (and 256), and the cap is said.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readEvents, runCli } from '../orchestrator/cliHarness';
import { tempDirPerTest } from '../helpers/tempDir';

const placement = suite('rush: where tasks run, how many workers');
let dir = '';
tempDirPerTest(placement, 'mahabharatha-place-', (d) => (dir = d));

/** upstream's layout: `.gsd/specs/F/task-graph.json`, two levels of widths 2 and 1; each task writes its cwd. */
function writeGraph(): string {
  const task = (id: string, level: number) => ({ id, title: id, level, dependencies: [], verification: { command: `pwd > ${id}.pwd`, timeout_seconds: 10 } });
  const file = path.join(dir, '.gsd', 'specs', 'where', 'task-graph.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ feature: 'where', tasks: [task('A', 1), task('B', 1), task('C', 2)] }));
  return file;
}

placement('tasks run in the directory rush was started from, which is printed and recorded', async () => {
  const graph = writeGraph();
  const stateDir = path.join(dir, 'state');
  const run = await runCli(['rush', '--graph', path.relative(dir, graph), '--state-dir', stateDir], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  for (const id of ['A', 'B', 'C']) {
    assert.is(fs.readFileSync(path.join(dir, `${id}.pwd`), 'utf8').trim(), fs.realpathSync(dir));
    assert.not.ok(fs.existsSync(path.join(path.dirname(graph), `${id}.pwd`)), 'nothing written beside the graph');
  }
  assert.match(run.stdout, new RegExp(`tasks run in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const started = readEvents(stateDir, 'where').events.find((e) => e.type === 'rush_started');
  assert.is(started?.type === 'rush_started' ? started.data.cwd : undefined, dir);
});

placement('--cwd DIR runs them in DIR', async () => {
  const graph = writeGraph();
  const elsewhere = path.join(dir, 'elsewhere');
  fs.mkdirSync(elsewhere);
  const run = await runCli(['rush', '--graph', graph, '--cwd', 'elsewhere', '--state-dir', path.join(dir, 'state')], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  assert.equal(fs.readdirSync(elsewhere).sort(), ['A.pwd', 'B.pwd', 'C.pwd']);
  assert.is(fs.readFileSync(path.join(elsewhere, 'A.pwd'), 'utf8').trim(), fs.realpathSync(elsewhere));
});

placement('--workers is capped at the widest level, and the cap is printed', async () => {
  const graph = writeGraph();
  const stateDir = path.join(dir, 'state');
  const run = await runCli(['rush', '--graph', graph, '--workers', '50', '--state-dir', stateDir], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /--workers 50 capped at 2: the widest level has 2 tasks/);
  const { events } = readEvents(stateDir, 'where');
  assert.is(events.filter((e) => e.type === 'worker_started').length, 2);
  const started = events.find((e) => e.type === 'rush_started');
  assert.is(started?.type === 'rush_started' ? started.data.workers : undefined, 2);
});

placement.run();
