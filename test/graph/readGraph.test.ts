import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGraph } from '../../src/graph/parseGraph';
import { readGraph, readTaskGraph } from '../../src/graph/readGraph';
import { levelsOf } from '../../src/graph/levels';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'graphs', name);
const messageOf = (r: E.Either<string, unknown>): string => {
  if (E.isRight(r)) throw new Error('expected an error');
  return r.left;
};

const read = suite('readGraph');

read('reads a valid graph file', () => {
  const r = readGraph(fixture('small.task-graph.json'));
  assert.ok(E.isRight(r));
  if (E.isRight(r)) {
    assert.is(r.right.feature, 'small');
    assert.equal(r.right.levels, [0, 1, 2]);
  }
});

read('reads upstream’s format: extra keys, level 0, a same-level dependency, a task without timeout', () => {
  const r = readGraph(fixture('upstream-shaped.task-graph.json'));
  assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
  if (E.isLeft(r)) return;
  assert.equal(r.right.levels, [0, 1]);
  assert.equal(r.right.tasks.map((t) => [t.id, t.level, t.timeoutMs]), [
    ['T-001', 0, 60_000],
    ['T-002', 1, 120_000],
    ['T-003', 1, 600_000],
  ]);
});

read('gives each invalid case one message naming the file and the task', () => {
  const cases: [string, RegExp][] = [
    ['invalid-unknown-dependency.task-graph.json', /invalid task graph .*: task T-2 depends on unknown task T-9$/],
    ['invalid-cycle.task-graph.json', /invalid task graph .*: dependency cycle: T-1 → T-3 → T-2 → T-1/],
    ['invalid-later-level.task-graph.json', /invalid task graph .*: task T-1 \(level 1\) depends on T-2, which is in a later level \(2\)$/],
    ['invalid-missing-command.task-graph.json', /invalid task graph .*: task T-2 has no verification.command$/],
    ['invalid-duplicate-id.task-graph.json', /invalid task graph .*: duplicate task id T-1 \(tasks #1, #3\)$/],
    ['invalid-shape.task-graph.json', /is not a task graph: tasks\[0\]\.level: expected NonNegativeInt, got -1/],
    ['invalid-json.task-graph.json', /is not valid JSON/],
  ];
  for (const [name, expected] of cases) {
    const message = messageOf(readGraph(fixture(name)));
    assert.match(message, expected, name);
    assert.ok(message.includes(name), `${name}: names the file`);
    assert.not.match(message, /\n/, `${name}: one line`);
  }
});

read('says when the file is missing', () => {
  assert.match(messageOf(readGraph(fixture('nope.json'))), /cannot read task graph .*nope\.json: no such file/);
});

read('says when the path is a directory', () => {
  assert.match(messageOf(readGraph(path.join(__dirname, '..', 'fixtures', 'graphs'))), /it is a directory/);
});

read.run();

const parse = suite('parseGraph');

parse('summarises a long list of problems with a count', () => {
  const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `T-${i}`, level: 1, dependencies: ['missing'], verification: { command: 'true' } }));
  const message = messageOf(parseGraph(JSON.stringify({ feature: 'f', tasks }), 'g.json'));
  assert.match(message, /; and 4 more problems$/);
});

parse('says in words what a file that is not a task graph lacks, once per place', () => {
  // A state file given by mistake: its tasks are a map, not a list.
  const state = JSON.stringify({ feature: 'f', tasks: { 'T-1': { status: 'complete' } } });
  assert.is(messageOf(parseGraph(state, 's.json')), 's.json is not a task graph: tasks: expected a list of tasks, got {"T-1":{"status":"complete"}}');
  // A bad task is one problem, not one per member of the task codec.
  const bad = JSON.stringify({ feature: 'f', tasks: [5, { id: 'B', level: 1 }] });
  assert.is(messageOf(parseGraph(bad, 'g.json')), 'g.json is not a task graph: tasks[0]: expected a task {id, level, ...}, got 5');
});

parse('applies a feature override', () => {
  const r = parseGraph(JSON.stringify({ feature: 'f', tasks: [{ id: 'A', level: 1, verification: { command: 'true' } }] }), 'g.json', { feature: 'other' });
  assert.ok(E.isRight(r) && r.right.feature === 'other');
});

parse.run();

const levels = suite('readTaskGraph and levelsOf (the levels status reads)');

levels('a graph gives each task its level; a task it does not list has none', () => {
  const read = readTaskGraph(fixture('upstream-shaped.task-graph.json'));
  assert.is(read.warning, null);
  const levelOf = levelsOf(read.graph);
  assert.ok(levelOf !== undefined);
  assert.is(levelOf?.('T-001'), 0);
  assert.is(levelOf?.('not-in-the-graph'), undefined);
});

levels('a missing graph is no warning and gives no levels; an unreadable one says why', () => {
  assert.equal(readTaskGraph(fixture('nope.json')), { graph: null, warning: null });
  assert.is(levelsOf(null), undefined);
  const bad = readTaskGraph(fixture('invalid-json.task-graph.json'));
  assert.is(bad.graph, null);
  assert.match(bad.warning ?? '', /invalid-json\.task-graph\.json is not valid JSON/);
});

levels('a graph that decodes but would not run still gives its levels (status is no place to refuse it)', () => {
  const read = readTaskGraph(fixture('invalid-cycle.task-graph.json'));
  assert.is(read.warning, null);
  assert.ok(read.graph !== null && read.graph.tasks.length > 0);
});

levels.run();
