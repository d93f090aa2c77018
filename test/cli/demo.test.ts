import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO_GRAPH } from '../../src/orchestrator/demo';
import { parseGraph } from '../../src/graph/parseGraph';
import { tempDirPerTest } from '../helpers/tempDir';
import { readEvents, readState, runCli } from '../orchestrator/cliHarness';

const DEMO_TASKS = ['WM-001', 'WM-002', 'WM-003', 'WM-004', 'WM-005', 'WM-006', 'WM-007', 'WM-008'];

let dir = '';
const demo = suite('demoCommand');
tempDirPerTest(demo, 'mahabharatha-demo-test-', (d) => (dir = d));

demo('without a terminal: runs the bundled graph with progress lines, then prints the final status', async () => {
  // The demo promises to finish within 45 s; the harness fails the test past that.
  // TMPDIR: the demo's own scratch directory is made inside this test's, and goes with it.
  const r = await runCli(['demo', '--state-dir', 'state'], { cwd: dir, timeoutMs: 45_000, env: { TERM: 'xterm', TMPDIR: dir } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^demo: 8 tasks in 4 levels on 3 workers/);
  for (const level of [1, 2, 3, 4]) assert.match(r.stdout, new RegExp(`level ${level} complete in`));
  assert.match(r.stdout, /✗ WM-003 attempt 1\/3 failed on worker \d: exit 1: .* — retrying in 0\.5s/);
  assert.match(r.stdout, /✓ WM-003 \(level 2\) on worker \d in \d+\.\ds \(attempt 2\)/);
  assert.match(r.stdout, /rush complete: 8 tasks in 4 levels/);
  // The one-shot status follows the progress lines.
  const status = r.stdout.slice(r.stdout.indexOf('rush complete'));
  assert.match(status, /MAHABHARATHA Status: worker-metrics/);
  assert.match(status, /100% \(8\/8 tasks\)/);
  assert.match(status, /Worker Metrics:/);
  assert.not.match(r.stdout, /\x1b\[/, 'no colour and no dashboard without a terminal');
  const lookAgain = /\nlook again: (node \S+main\.js status --state-dir \S+) {3}\(live: add --watch\)\n$/.exec(r.stdout)?.[1];
  assert.ok(lookAgain, `the closing hint in:\n${r.stdout}`);
  // The hint works from any directory: here, one that is not the package.
  const again = spawnSync('sh', ['-c', lookAgain], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, /MAHABHARATHA Status: worker-metrics/);
  assert.match(again.stdout, /100% \(8\/8 tasks\)/);

  // Widths 1-3-2-2, every task complete once, the retried one included.
  const state = readState(path.join(dir, 'state'), 'worker-metrics');
  assert.equal(Object.keys(state.tasks ?? {}).sort(), DEMO_TASKS);
  assert.ok(Object.values(state.tasks ?? {}).every((t) => t.status === 'complete'));
  const widths = [1, 2, 3, 4].map((level) => Object.values(state.tasks ?? {}).filter((t) => t.level === level).length);
  assert.equal(widths, [1, 3, 2, 2]);
  assert.is(state.tasks?.['WM-003']?.retry_count, 1);
  assert.equal(readEvents(path.join(dir, 'state'), 'worker-metrics').rejects, []);
  // The commands ran in a new directory of their own, which keeps the graph and their scratch files.
  const runDirs = fs.readdirSync(dir).filter((name) => name.startsWith('mahabharatha-demo-'));
  assert.is(runDirs.length, 1);
  assert.ok(fs.existsSync(path.join(dir, runDirs[0] ?? '', 'task-graph.json')));
  assert.ok(fs.existsSync(path.join(dir, runDirs[0] ?? '', 'WM-003.first-attempt')));
});

demo.run();

const graph = suite('demo graph');

graph('is valid for rush and shaped like the seed’s plan', () => {
  // Through the same reader as any graph file.
  const parsed = parseGraph(JSON.stringify(DEMO_GRAPH), 'demo');
  assert.ok(parsed._tag === 'Right');
  if (parsed._tag !== 'Right') return;
  assert.is(parsed.right.feature, 'worker-metrics');
  assert.equal(parsed.right.levels, [1, 2, 3, 4]);
  assert.equal(parsed.right.tasks.map((t) => t.id), DEMO_TASKS);
  for (const t of parsed.right.tasks) assert.match(t.command, /^node -e /, `${t.id} needs nothing but node`);
  assert.ok(fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'orchestrator', 'demo', 'worker-metrics.task-graph.json')), 'the build ships the graph');
});

graph.run();
