/**
 * Upstream's own files (test/fixtures: state files of the Python orchestrator, and its events log)
 * read as `status` reads them, against the naive references.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadRun } from '../../src/pipeline/loadRun';
import { withTempDir } from '../helpers/tempDir';
import { differences } from './differences';
import { referenceFold } from './referenceFold';
import { referenceFromState } from './referenceState';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const NOW = Date.UTC(2026, 0, 27, 12, 0, 0);
const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

async function metricsOf(stateDir: string, feature: string): Promise<Record<string, unknown>> {
  const loaded = await loadRun({ feature, stateDir, naiveTz: 'UTC', now: NOW });
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  return { ...loaded.right.snapshot.metrics, status: loaded.right.snapshot.status, duplicateEvents: loaded.right.snapshot.ingest.duplicateEvents };
}

const Upstream = suite('upstream files == naive references');

const STATES = [
  { name: 'a state file with a retry waiting and a task running', root: null, feature: 'user-auth', file: path.join(FIXTURES, 'state', 'upstream-feature.json') },
  { name: 'a state dir with a task graph', root: path.join(FIXTURES, 'upstream-dir', 'with-graph'), feature: 'worker-metrics', file: null },
  { name: 'a state dir without a task graph', root: path.join(FIXTURES, 'upstream-dir', 'no-graph'), feature: 'bite-sized-planning', file: null },
];

for (const c of STATES) {
  Upstream(`${c.name}: the figures it states`, () =>
    withTempDir(async (dir) => {
      if (c.root) fs.cpSync(c.root, dir, { recursive: true });
      const stateDir = path.join(dir, '.mahabharatha', 'state');
      fs.mkdirSync(stateDir, { recursive: true });
      if (c.file) fs.copyFileSync(c.file, path.join(stateDir, `${c.feature}.json`));
      const graphFile = path.join(dir, '.gsd', 'specs', c.feature, 'task-graph.json');
      const graph = fs.existsSync(graphFile) ? readJson(graphFile) : null;
      const expected = referenceFromState(readJson(path.join(stateDir, `${c.feature}.json`)), graph, NOW);
      assert.equal(differences(await metricsOf(stateDir, c.feature), expected), []);
    }),
  );
}

Upstream("upstream's events log (key order timestamp, type, feature, data; +00:00 stamps): every figure", () =>
  withTempDir(async (dir) => {
    const log = path.join(FIXTURES, 'upstream-dir', 'with-graph', '.mahabharatha', 'state', 'worker-metrics-events.jsonl');
    fs.copyFileSync(log, path.join(dir, 'worker-metrics-events.jsonl'));
    const expected = referenceFold(fs.readFileSync(log, 'utf8'), NOW);
    assert.equal(differences(await metricsOf(dir, 'worker-metrics'), expected as unknown as Record<string, unknown>), []);
  }),
);

Upstream.run();
