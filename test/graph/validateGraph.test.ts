import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TaskGraph } from '../../src/graph/taskGraph';
import { DEFAULT_TIMEOUT_SECONDS, isValidFeatureName, validateGraph, ValidGraph } from '../../src/graph/validateGraph';

type Task = TaskGraph['tasks'][number];
const task = (id: string, level: number, dependencies: string[] = [], command: string | null = 'true', extra: Partial<Task> = {}): Task => ({
  id,
  title: `title of ${id}`,
  level,
  dependencies,
  ...(command === null ? {} : { verification: { command, timeout_seconds: 30 } }),
  ...extra,
});
const graph = (tasks: Task[], feature = 'feat'): TaskGraph => ({ feature, tasks });

const problemsOf = (g: TaskGraph, feature?: string): readonly string[] => {
  const r = validateGraph(g, feature === undefined ? {} : { feature });
  if (E.isRight(r)) throw new Error('expected problems, the graph passed');
  return r.left;
};
const planOf = (g: TaskGraph): ValidGraph => {
  const r = validateGraph(g);
  if (E.isLeft(r)) throw new Error(`expected a valid graph: ${r.left.join('; ')}`);
  return r.right;
};

const validate = suite('validateGraph');

validate('accepts a graph starting at level 0, with gaps and without a levels map', () => {
  const plan = planOf(graph([task('A', 0), task('B', 2, ['A']), task('C', 5, ['B', 'A'])]));
  assert.equal(plan.levels, [0, 2, 5]);
  assert.equal(plan.tasks.map((t) => [t.id, t.level, t.dependencies]), [
    ['A', 0, []],
    ['B', 2, ['A']],
    ['C', 5, ['B', 'A']],
  ]);
});

validate('carries the command, the timeout in ms and the title', () => {
  const plan = planOf(graph([task('A', 1, [], 'echo hi', { verification: { command: 'echo hi', timeout_seconds: 2.5 } })]));
  assert.equal(plan.tasks[0], { id: 'A', title: 'title of A', level: 1, dependencies: [], command: 'echo hi', timeoutMs: 2500 });
});

validate('uses the default timeout when a task gives none', () => {
  const plan = planOf(graph([task('A', 1, [], null, { verification: { command: 'true' } })]));
  assert.is(plan.tasks[0]?.timeoutMs, DEFAULT_TIMEOUT_SECONDS * 1000);
});

validate('allows a dependency in the same level (upstream graphs have them)', () => {
  const plan = planOf(graph([task('A', 1), task('B', 1, ['A'])]));
  assert.is(plan.tasks.length, 2);
});

validate('names an unknown dependency and the task that has it', () => {
  assert.equal(problemsOf(graph([task('A', 1), task('B', 2, ['A', 'Z'])])), ['task B depends on unknown task Z']);
});

validate('names a dependency in a later level', () => {
  assert.equal(problemsOf(graph([task('A', 1, ['B']), task('B', 2)])), ['task A (level 1) depends on B, which is in a later level (2)']);
});

validate('reports a dependency cycle as a path', () => {
  const problems = problemsOf(graph([task('A', 1, ['C']), task('B', 1, ['A']), task('C', 1, ['B'])]));
  assert.is(problems.length, 1);
  assert.match(problems[0] ?? '', /^dependency cycle: A → C → B → A/);
});

validate('reports a task depending on itself as a cycle', () => {
  assert.equal(problemsOf(graph([task('A', 1, ['A'])])), ['dependency cycle: A → A (each depends on the next)']);
});

validate('reports each distinct cycle once', () => {
  const problems = problemsOf(graph([task('A', 1, ['B']), task('B', 1, ['A']), task('C', 1, ['D']), task('D', 1, ['C']), task('E', 1, ['A', 'C'])]));
  assert.is(problems.filter((p) => p.startsWith('dependency cycle')).length, 2);
});

validate('names a task without verification.command (absent or blank)', () => {
  const problems = problemsOf(graph([task('A', 1, [], null), task('B', 1, [], '   '), task('C', 1)]));
  assert.equal(problems, ['task A has no verification.command', 'task B has no verification.command']);
});

validate('names duplicate ids with their positions', () => {
  assert.equal(problemsOf(graph([task('A', 1), task('B', 1), task('A', 2)])), ['duplicate task id A (tasks #1, #3)']);
});

validate('rejects a timeout that is not a positive number', () => {
  const problems = problemsOf(graph([task('A', 1, [], 'true', { verification: { command: 'true', timeout_seconds: 0 } })]));
  assert.match(problems[0] ?? '', /task A has an invalid verification.timeout_seconds \(0\)/);
});

validate('rejects an empty graph', () => {
  assert.equal(problemsOf(graph([])), ['the graph has no tasks']);
});

validate('rejects a feature name that is not a file name', () => {
  assert.match(problemsOf(graph([task('A', 1)], '../etc'))[0] ?? '', /feature name "..\/etc" is not usable/);
  assert.match(problemsOf(graph([task('A', 1)]), 'a/b')[0] ?? '', /feature name "a\/b"/);
});

validate('takes the feature from the option over the graph', () => {
  const r = validateGraph(graph([task('A', 1)], 'from-graph'), { feature: 'chosen' });
  assert.ok(E.isRight(r) && r.right.feature === 'chosen');
});

validate('lists every problem, not only the first', () => {
  const problems = problemsOf(graph([task('A', 1, ['Q']), task('B', 1, [], null), task('B', 1)]));
  assert.is(problems.length, 3);
});

validate.run();

const featureName = suite('isValidFeatureName');

featureName('accepts the names upstream uses', () => {
  for (const name of ['worker-metrics', 'core_refactoring', 'fix-issues-78-91', 'v1.2']) assert.ok(isValidFeatureName(name), name);
});

featureName('refuses path separators, dots alone and empty names', () => {
  for (const name of ['', '.', '..', 'a/b', 'a\\b', '.hidden', 'with space']) assert.not.ok(isValidFeatureName(name), name);
});

featureName.run();
