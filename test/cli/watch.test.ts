import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError, UsageError } from '../../src/cli/exit';
import { featureToWatch, terminalProblem, watchCommand } from '../../src/cli/watch';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { MAIN, requireBuild } from '../orchestrator/cliHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'dashboard');

/** A state dir holding the whole fixture run of feature `dash-demo` as its events log. */
function stateDirWithRun(): { dir: string; stateDir: string } {
  const dir = makeTempDir('mahabharatha-watch-');
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir);
  const log = ['run-midway.jsonl', 'run-rest.jsonl'].map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8')).join('');
  fs.writeFileSync(path.join(stateDir, 'dash-demo-events.jsonl'), log);
  return { dir, stateDir };
}

const problem = suite('terminalProblem');

problem('needs stdout to be a terminal that can draw', () => {
  assert.is(terminalProblem({ stdout: { isTTY: true }, env: { TERM: 'xterm-256color' } }), null);
  assert.match(terminalProblem({ stdout: {}, env: { TERM: 'xterm' } }) ?? '', /not a terminal/);
  assert.match(terminalProblem({ stdout: { isTTY: true }, env: { TERM: 'dumb' } }) ?? '', /TERM=dumb/);
});

const command = suite('watchCommand');

command('refuses without a terminal, pointing at status and status --json', async () => {
  for (const environment of [
    { stdout: { isTTY: false }, env: { TERM: 'xterm' } },
    { stdout: { isTTY: true }, env: { TERM: 'dumb' } },
  ]) {
    await watchCommand({ color: true }, environment).then(
      () => assert.unreachable('should refuse'),
      (err: Error) => {
        assert.instance(err, UsageError);
        assert.match(err.message, /needs a terminal/);
        assert.match(err.message, /mahabharatha status`/);
        assert.match(err.message, /status --json/);
      },
    );
  }
});

command('says so when the state dir has no feature to show', async () => {
  const dir = makeTempDir('mahabharatha-watch-');
  try {
    await watchCommand({ color: true, stateDir: dir }, { stdout: { isTTY: true }, env: { TERM: 'xterm' } }).then(
      () => assert.unreachable('should fail'),
      (err: Error) => {
        assert.instance(err, RuntimeError);
        assert.match(err.message, /no feature found in .*--feature/);
      },
    );
  } finally {
    removeTempDir(dir);
  }
});

command('watches the feature named, trimmed, and takes a blank name as none, as status does', () => {
  const { dir, stateDir } = stateDirWithRun();
  try {
    assert.is(featureToWatch(' dash-demo ', stateDir, {}), 'dash-demo');
    assert.is(featureToWatch('  ', stateDir, {}), 'dash-demo');
    assert.is(featureToWatch(undefined, stateDir, { MAHABHARATHA_FEATURE: ' planned ' }), 'planned');
    assert.throws(() => featureToWatch(' ', dir, {}), (err: Error) => err instanceof RuntimeError && /no feature found/.test(err.message));
  } finally {
    removeTempDir(dir);
  }
});

command('rejects an unknown --naive-tz as a usage error', async () => {
  await watchCommand({ color: true, naiveTz: 'Mars/Olympus' }, { stdout: { isTTY: true }, env: { TERM: 'xterm' } }).then(
    () => assert.unreachable('should refuse'),
    (err: Error) => assert.instance(err, UsageError),
  );
});

const cli = suite('status --watch (built binary)');

cli('exits 2 with the message when stdout is a pipe', () => {
  requireBuild();
  const { dir, stateDir } = stateDirWithRun();
  try {
    const run = spawnSync(process.execPath, [MAIN, 'status', '--watch', '--state-dir', stateDir], { cwd: dir, encoding: 'utf8', env: { ...process.env, TERM: 'xterm' }, timeout: 20_000 });
    assert.is(run.status, 2);
    assert.is(run.stdout, '');
    assert.match(run.stderr, /^mahabharatha: status --watch needs a terminal \(stdout is not a terminal\); use `mahabharatha status` for a report or `mahabharatha status --json` for a script\n$/);
  } finally {
    removeTempDir(dir);
  }
});

const lazy = suite('blessed is loaded only for the dashboard');

let probes = 0;

/** Which blessed modules a child process had loaded when it exited. */
function blessedLoaded(args: readonly string[], cwd: string): { loaded: string[]; status: number | null; stderr: string } {
  const out = path.join(cwd, `probe-${(probes += 1)}.json`);
  const probe = path.join(cwd, 'probe.js');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/]blessed(-contrib)?[\\\\/]/.test(k)))));\n`,
  );
  const run = spawnSync(process.execPath, ['-r', probe, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  const loaded = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]) : ['(probe did not run)'];
  return { loaded, status: run.status, stderr: run.stderr };
}

lazy('status --json and the status text module do not load it; the watch module does', () => {
  requireBuild();
  const { dir, stateDir } = stateDirWithRun();
  try {
    const json = blessedLoaded([MAIN, 'status', '--json', '--state-dir', stateDir], dir);
    assert.is(json.status, 0, json.stderr);
    assert.equal(json.loaded, []);
    const text = blessedLoaded(['-e', `require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'statusText.js'))})`], dir);
    assert.equal(text.loaded, []);
    // The probe does see blessed when it is loaded.
    const watch = blessedLoaded(['-e', `require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'watch.js'))})`], dir);
    assert.ok(watch.loaded.some((k) => /node_modules[\\/]blessed[\\/]/.test(k)), 'blessed');
    assert.ok(watch.loaded.some((k) => /node_modules[\\/]blessed-contrib[\\/]/.test(k)), 'blessed-contrib');
  } finally {
    removeTempDir(dir);
  }
});

problem.run();
command.run();
cli.run();
lazy.run();
