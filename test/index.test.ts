/**
 * The public API: exactly the names of the golden list (`test/fixtures/golden/public-api.txt`,
 * edited by hand: a change to the API is a decision, not a side effect), each runtime one named
 * in the README's "Library" section, and the README example's behaviour.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom } from 'rxjs';
import ts from 'typescript';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index';
import { eventsPath } from '../src/state/layout';
import { parseSource, SRC } from './helpers/sourceFiles';
import { generateRun, toJsonl } from './helpers/runGenerator';
import { mulberry32 } from './helpers/seededRandom';
import { withTempDir } from './helpers/tempDir';

const ROOT = path.resolve(__dirname, '..');

/** The names `src/index.ts` exports, read from its `export { … } from` statements: `name` or `name (type)`. */
function exportedNames(): string[] {
  const index = parseSource('index.ts', fs.readFileSync(path.join(SRC, 'index.ts'), 'utf8'));
  const names: string[] = [];
  for (const statement of index.ast.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    // `export * from` would export whatever the module grows: not allowed in the index.
    if (clause === undefined || !ts.isNamedExports(clause)) throw new Error(`index.ts: ${statement.getText(index.ast)} is not a list of names`);
    for (const spec of clause.elements) names.push(statement.isTypeOnly || spec.isTypeOnly ? `${spec.name.text} (type)` : spec.name.text);
  }
  return names.sort((a, b) => a.localeCompare(b, 'en'));
}

const Api = suite('public API');

Api('exports exactly the names of the golden list', () => {
  const golden = fs.readFileSync(path.join(__dirname, 'fixtures', 'golden', 'public-api.txt'), 'utf8');
  assert.fixture(`${exportedNames().join('\n')}\n`, golden);
});

Api('what it exports at run time is exactly the names that are not types', () => {
  const values = exportedNames().filter((n) => !n.endsWith(' (type)'));
  assert.equal(Object.keys(api).sort((a, b) => a.localeCompare(b, 'en')), values);
});

Api('every name it exports at run time is named in the README’s Library section', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const library = readme.slice(readme.indexOf('## Library'), readme.indexOf('\n## ', readme.indexOf('## Library') + 1));
  const missing = Object.keys(api).filter((name) => !library.includes(`\`${name}`));
  assert.equal(missing, [], `not in README's Library: ${missing.join(', ')}`);
});

Api('the seed functions keep upstream’s semantics', () => {
  assert.is(api.calculatePercentile([10, 20, 30, 40], 50), 25);
  assert.is(api.durationMs('2026-01-27T08:00:00Z', '2026-01-27T08:00:01.5Z'), 1500);
  // The codec is the type: decoding fills the seed's defaults, encoding gives snake_case.
  const worker = api.WorkerMetrics.decode({ worker_id: 2 });
  if (E.isLeft(worker)) return assert.unreachable('a worker id alone decodes');
  assert.is(worker.right.workerId, 2);
  assert.is(worker.right.tasksCompleted, 0);
  assert.is(api.WorkerMetrics.encode(worker.right).worker_id, 2);
});

Api('the README example: subscribe to a feature and read its metrics', () =>
  withTempDir(async (stateDir) => {
    fs.writeFileSync(eventsPath(stateDir, 'demo'), toJsonl(generateRun(mulberry32(5), { workers: 2, tasksPerLevel: [2, 2], producer: 'p' })));

    const processor = api.createMetricsProcessor({ feature: 'demo', stateDir, sources: { eventsLog: { follow: true } } });
    await processor.ready;
    const workers = await firstValueFrom(processor.workers$);
    const feature = await firstValueFrom(processor.feature$);
    await processor.close();

    assert.equal(workers.map((w) => [w.workerId, w.status]), [[0, 'stopped'], [1, 'stopped']]);
    assert.is(feature.tasksCompleted, 4);
    assert.is(api.FeatureMetrics.encode(feature).tasks_completed, 4);
  }),
);

Api.run();
