import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirPerTest } from '../helpers/tempDir';
import { copyGraph, listTree, runCli } from '../orchestrator/cliHarness';

let dir = '';
const invalid = suite('rushCommand (refusals)');
tempDirPerTest(invalid, 'mahabharatha-rush-invalid-', (d) => (dir = d));

const cases: [string, RegExp][] = [
  ['invalid-unknown-dependency.task-graph.json', /task T-2 depends on unknown task T-9/],
  ['invalid-cycle.task-graph.json', /dependency cycle: T-1 → T-3 → T-2 → T-1/],
  ['invalid-later-level.task-graph.json', /task T-1 \(level 1\) depends on T-2, which is in a later level \(2\)/],
  ['invalid-missing-command.task-graph.json', /task T-2 has no verification\.command/],
  ['invalid-duplicate-id.task-graph.json', /duplicate task id T-1/],
  ['invalid-shape.task-graph.json', /is not a task graph: tasks\[0\]\.level/],
  ['invalid-json.task-graph.json', /is not valid JSON/],
];

invalid('an invalid graph: one message naming the task, exit 1, nothing started, nothing written', async () => {
  for (const [name, expected] of cases) {
    copyGraph(name, dir);
    const before = listTree(dir);
    const r = await runCli(['rush', '--graph', name, '--workers', '2', '--state-dir', 'state'], { cwd: dir });
    assert.is(r.code, 1, `${name}: exit code`);
    assert.match(r.stderr, expected, name);
    assert.match(r.stderr, /^mahabharatha: /, `${name}: no stack trace`);
    assert.is(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
    assert.is(r.stdout, '', `${name}: nothing started`);
    assert.equal(listTree(dir), before, `${name}: no state dir, no files`);
  }
});

invalid('a graph file that does not exist', async () => {
  const r = await runCli(['rush', '--graph', 'nope.json', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /cannot read task graph nope\.json: no such file/);
  assert.equal(listTree(dir), []);
});

invalid('no --graph is a usage error', async () => {
  const r = await runCli(['rush', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /rush needs --graph FILE/);
  assert.equal(listTree(dir), []);
});

invalid('a --cwd that is not a directory is a usage error', async () => {
  copyGraph('small.task-graph.json', dir);
  const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--cwd', 'nowhere', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /--cwd nowhere: not a directory/);
  assert.equal(listTree(dir), ['small.task-graph.json']);
});

invalid('a feature name that is not a file name', async () => {
  copyGraph('small.task-graph.json', dir);
  const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--feature', '../x', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /feature name "\.\.\/x" is not usable/);
  assert.equal(listTree(dir), ['small.task-graph.json']);
});

invalid('--resume with no run to resume writes nothing', async () => {
  copyGraph('small.task-graph.json', dir);
  const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--state-dir', 'state', '--resume'], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /nothing to resume: no run of small in .*state/);
  assert.equal(listTree(dir), ['small.task-graph.json']);
});

invalid('refuses to start over an existing run without --resume, leaving it untouched', async () => {
  copyGraph('small.task-graph.json', dir);
  fs.mkdirSync(path.join(dir, 'state'));
  fs.writeFileSync(path.join(dir, 'state', 'small-events.jsonl'), '');
  const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stderr, /a run of small already exists in .*; continue it with --resume/);
  assert.equal(listTree(dir), ['small.task-graph.json', 'state', 'state/small-events.jsonl']);
  assert.is(fs.readFileSync(path.join(dir, 'state', 'small-events.jsonl'), 'utf8'), '');
});

invalid('a state dir that cannot be made: one line naming what is in the way, exit 1', async () => {
  copyGraph('small.task-graph.json', dir);
  fs.writeFileSync(path.join(dir, 'afile'), '');
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
  const cases: [string, RegExp][] = [
    ['afile/state', /cannot create the state directory .*afile\/state: .*afile is in the way: it exists and is not a directory/],
    ['dangling/state', /cannot create the state directory .*dangling\/state: .*dangling is in the way: it exists and is not a directory/],
  ];
  for (const [stateDir, expected] of cases) {
    const r = await runCli(['rush', '--graph', 'small.task-graph.json', '--state-dir', stateDir], { cwd: dir });
    assert.is(r.code, 1, stateDir);
    assert.match(r.stderr, expected, stateDir);
    assert.is(r.stderr.trim().split('\n').length, 1, `${stateDir}: one line, no stack trace`);
    assert.is(r.stdout, '', `${stateDir}: nothing started`);
  }
  assert.equal(listTree(dir), ['afile', 'dangling', 'small.task-graph.json']);
});

invalid.run();
