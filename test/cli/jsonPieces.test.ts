/**
 * `status --json` and `status --check --json`, in this process: each prints its document in pieces
 * (a large run's is never held whole), and the pieces make exactly the text `renderStatusJson`
 * gives of the same run. Their output from the built binary is in statusJson.test.ts and
 * statusCheck.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readRun } from '../../src/cli/readRun';
import { statusCheckCommand } from '../../src/cli/statusCheck';
import { statusJsonCommand } from '../../src/cli/statusJson';
import { DEFAULT_STALL_AFTER_MS } from '../../src/metrics/runFacts';
import { emptySnapshot } from '../../src/metrics/snapshotOf';
import { eventsPath } from '../../src/state/layout';
import { renderStatusJson } from '../../src/views/json';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const NOW = Date.UTC(2026, 0, 28, 9, 0, 0);

/** An io that keeps what is written to stdout, piece by piece. */
function capture(): { pieces: string[]; stderr: string[]; io: Parameters<typeof statusJsonCommand>[1] & object } {
  const pieces: string[] = [];
  const stderr: string[] = [];
  return { pieces, stderr, io: { stdout: { write: (t: string) => pieces.push(t) }, stderr: { write: (t: string) => stderr.push(t) }, env: {}, now: () => NOW } };
}

/** A state dir holding a complete run of `gate` (2,500 tasks: more than one slice of tasks). */
function completeRun(root: string): string {
  const stateDir = path.join(root, 'state');
  fs.mkdirSync(stateDir);
  fs.writeFileSync(eventsPath(stateDir, 'gate'), toJsonl(generateRun(mulberry32(7), { workers: 4, tasksPerLevel: [1500, 1000], failRate: 0, feature: 'gate' })));
  return stateDir;
}

const pieces = suite('JSON documents in pieces');

pieces('status --json of a run', () =>
  withTempDir(async (root) => {
    const stateDir = completeRun(root);
    const out = capture();
    assert.is(await statusJsonCommand({ stateDir, color: false, json: true }, out.io), 0);
    const { snapshot, graph, orchestratorGone } = await readRun('gate', stateDir, undefined, NOW);
    assert.ok(out.pieces.length > 3, `${out.pieces.length} pieces`);
    assert.is(out.pieces.join(''), renderStatusJson(snapshot, { feature: 'gate', graph, now: NOW, orchestratorGone }));
  }),
);

pieces('status --json of a feature planned but not run (its task graph)', () =>
  withTempDir(async (root) => {
    const stateDir = path.join(root, '.mahabharatha', 'state');
    const specs = path.join(root, '.gsd', 'specs', 'up');
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(specs, { recursive: true });
    const graph = { feature: 'up', tasks: [{ id: 'UP-001', level: 1 }, { id: 'UP-002', level: 2 }] };
    fs.writeFileSync(path.join(specs, 'task-graph.json'), JSON.stringify(graph));
    const out = capture();
    assert.is(await statusJsonCommand({ feature: 'up', stateDir, color: false, json: true }, out.io), 0);
    assert.ok(out.pieces.length > 1, `${out.pieces.length} pieces`);
    const text = out.pieces.join('');
    assert.is(text, renderStatusJson(emptySnapshot('up', NOW), { feature: 'up', graph, now: NOW }));
    assert.equal((JSON.parse(text) as { tasks: { task_id: string }[] }).tasks.map((t) => t.task_id), ['UP-001', 'UP-002']);
  }),
);

pieces('status --check --json', () =>
  withTempDir(async (root) => {
    const stateDir = completeRun(root);
    const out = capture();
    assert.is(await statusCheckCommand({ stateDir, color: false, check: true, json: true }, out.io), 0);
    const { snapshot, graph, orchestratorGone } = await readRun('gate', stateDir, undefined, NOW, undefined, DEFAULT_STALL_AFTER_MS);
    assert.ok(out.pieces.length > 3, `${out.pieces.length} pieces`);
    const text = out.pieces.join('');
    assert.is(text, renderStatusJson(snapshot, { feature: 'gate', graph, now: NOW, stallAfterMs: DEFAULT_STALL_AFTER_MS, orchestratorGone }));
    assert.is((JSON.parse(text) as { status: string }).status, 'complete');
  }),
);

pieces.run();
