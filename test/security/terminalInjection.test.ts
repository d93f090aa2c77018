/**
 * DESIGN §8, Security: no string from input reaches a terminal unescaped. Every string field of
 * every event type and every string key of the state file carries an escape payload (clipboard,
 * title, clear screen, C1, bidi); what `status` (text, --level, --json), `metrics export`, the
 * features-found list and the dashboard print must hold no ESC, BEL, other C0 or C1 byte, nor a
 * bidi override — but our own colours.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BehaviorSubject } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statusTextCommand } from '../../src/cli/statusText';
import { loadRun } from '../../src/pipeline/loadRun';
import { openDashboard, type DashboardFrame } from '../../src/views/dashboard';
import { runCli } from '../orchestrator/cliHarness';
import { tempDirPerTest } from '../helpers/tempDir';
import { dashboardOptions, fakeTty } from '../views/dashboard/helpers';
import { firstForbidden, PAYLOAD, writeHostileStateDir } from './hostileText';

const NOW = Date.UTC(2026, 0, 27, 9, 0, 0);

const injection = suite('terminal injection');
let dir = '';
tempDirPerTest(injection, 'mahabharatha-inject-', (d) => (dir = d));

const stateDirOf = (): string => path.join(dir, 'state');

function assertClean(what: string, text: string, options: { sgr?: boolean } = {}): void {
  const found = firstForbidden(text, options);
  assert.is(found, null, `${what} printed ${found}`);
}

injection('status, status --level, status --json and metrics export print input escaped', async () => {
  const stateDir = stateDirOf();
  const { logFeature, stateFeature } = writeHostileStateDir(stateDir);
  for (const feature of [logFeature, stateFeature]) {
    for (const args of [['status'], ['status', '--level', '1'], ['status', '--json'], ['metrics', 'export']]) {
      const run = await runCli([...args, '--feature', feature, '--state-dir', stateDir], { cwd: dir });
      assertClean(`${args.join(' ')} of ${feature} (stdout)`, run.stdout);
      assertClean(`${args.join(' ')} of ${feature} (stderr)`, run.stderr);
      assert.ok(run.code === 0 || run.code === 1, `${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
    }
  }
  // The payload is shown, escaped: a reader sees that something is there.
  const text = await runCli(['status', '--feature', logFeature, '--state-dir', stateDir], { cwd: dir });
  assert.match(text.stdout, /T1\\x1b\]52;c;cHduZWQ=\\x07/);
  const json = await runCli(['status', '--json', '--feature', logFeature, '--state-dir', stateDir], { cwd: dir });
  const parsed = JSON.parse(json.stdout) as { tasks: { task_id: string }[] };
  assert.ok(parsed.tasks.some((t) => t.task_id === `T1${PAYLOAD}`), '--json keeps the exact value, escaped as JSON');
});

injection('the features-found list and the newest feature print escaped', async () => {
  const stateDir = stateDirOf();
  writeHostileStateDir(stateDir);
  const unknown = await runCli(['status', '--feature', 'nope', '--state-dir', stateDir], { cwd: dir });
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /evil\\x1b/);
  assertClean('the features-found list', unknown.stderr);
  const newest = await runCli(['status', '--state-dir', stateDir], { cwd: dir });
  assertClean('status of the newest feature', newest.stdout + newest.stderr);
});

injection('with colour on, only our own SGR sequences are printed', async () => {
  const stateDir = stateDirOf();
  const { logFeature, stateFeature } = writeHostileStateDir(stateDir);
  for (const feature of [logFeature, stateFeature]) {
    for (const level of [undefined, 1]) {
      let out = '';
      const io = { stdout: { write: (s: string) => (out += s) }, env: {}, now: () => NOW, color: true, timeZone: 'UTC' };
      await statusTextCommand({ feature, stateDir, color: true, ...(level === undefined ? {} : { level }) }, io);
      assert.ok(out.includes('\u001b['), 'colour is on');
      assertClean(`coloured status of ${feature}`, out, { sgr: true });
    }
  }
});

injection('the dashboard draws input escaped: panels, log, header and the worker task list', async () => {
  const stateDir = stateDirOf();
  const { logFeature, stateFeature } = writeHostileStateDir(stateDir);
  for (const feature of [logFeature, stateFeature]) {
    const loaded = await loadRun({ feature, stateDir, now: NOW });
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    const tty = fakeTty(140, 45);
    const frames: DashboardFrame[] = [];
    const closed = openDashboard({
      snapshot$: new BehaviorSubject(loaded.right.snapshot),
      ...dashboardOptions(tty),
      now: () => NOW,
      onFrame: (f) => frames.push(f),
    });
    while (frames.length === 0) await new Promise((r) => setTimeout(r, 5));
    // Open the first worker's task list (the popup), then quit.
    tty.press('\r');
    const opened = frames.length;
    while (frames.length === opened) await new Promise((r) => setTimeout(r, 5));
    tty.press('q');
    await closed;
    for (const f of frames) assertClean(`a dashboard frame of ${feature}`, f.text().join('\n'));
    // blessed drives the terminal with its own CSI sequences and sets our own title; none of the payload's may pass.
    const written = tty.written().split('\u001b]0;mahabharatha status\u0007').join('');
    for (const bad of ['\u001b]', '\u0007', '\u009b', '\u202e', '\u2066']) {
      assert.not.ok(written.includes(bad), `the dashboard wrote ${JSON.stringify(bad)} for ${feature}`);
    }
  }
});

injection('rush progress lines print task ids and command output escaped', async () => {
  const id = (tag: string): string => `${tag}${PAYLOAD.replace(/\u0000/g, '')}`;
  const task = (taskId: string, level: number, command: string) => ({ id: taskId, title: taskId, level, dependencies: [], verification: { command, timeout_seconds: 10 } });
  const graph = {
    feature: 'inject',
    tasks: [task(id('ok'), 1, 'true'), task(id('bad'), 1, `printf '\\033]0;owned\\007\\033]52;c;eA==\\007\\302\\233 boom'; exit 3`)],
  };
  const graphFile = path.join(dir, 'task-graph.json');
  fs.writeFileSync(graphFile, JSON.stringify(graph));
  const run = await runCli(['rush', '--graph', graphFile, '--workers', '2', '--retries', '0', '--state-dir', stateDirOf()], { cwd: dir });
  assert.is(run.code, 1, run.stderr);
  assert.match(run.stdout, /✗ bad\\x1b\]52;c;cHduZWQ=\\x07/);
  assertClean('rush (stdout)', run.stdout);
  assertClean('rush (stderr)', run.stderr);
});

injection.run();
