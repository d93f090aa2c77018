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
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/]blessed[\\\\/]/.test(k)))));\n`,
  );
  const run = spawnSync(process.execPath, ['-r', probe, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  const loaded = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]) : ['(probe did not run)'];
  return { loaded, status: run.status, stderr: run.stderr };
}

lazy('status --json, the status text and the watch command modules do not load it; the dashboard does', () => {
  requireBuild();
  const { dir, stateDir } = stateDirWithRun();
  try {
    const json = blessedLoaded([MAIN, 'status', '--json', '--state-dir', stateDir], dir);
    assert.is(json.status, 0, json.stderr);
    assert.equal(json.loaded, []);
    for (const module of ['statusText.js', 'watch.js']) {
      const loaded = blessedLoaded(['-e', `require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', module))})`], dir);
      assert.equal(loaded.loaded, [], module);
    }
    // The probe does see blessed when it is loaded.
    const dashboard = blessedLoaded(['-e', `require(${JSON.stringify(path.join(ROOT, 'dist', 'views', 'dashboard', 'index.js'))})`], dir);
    assert.ok(dashboard.loaded.some((k) => /node_modules[\\/]blessed[\\/]/.test(k)), 'blessed');
  } finally {
    removeTempDir(dir);
  }
});

lazy('without blessed installed, the dashboard is refused with what to install (exit 1), and status still works', () => {
  requireBuild();
  const { dir, stateDir } = stateDirWithRun();
  try {
    // Resolves `blessed` as node does when the package is not installed.
    const hide = path.join(dir, 'no-blessed.js');
    fs.writeFileSync(
      hide,
      `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'blessed') throw Object.assign(new Error("Cannot find module 'blessed'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};\n`,
    );
    const load = `require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'loadDashboard.js'))}).loadDashboard().then(() => console.log('loaded'), (e) => console.log(e.constructor.name + ': ' + e.message))`;
    const r = spawnSync(process.execPath, ['-r', hide, '-e', load], { cwd: dir, encoding: 'utf8' });
    assert.match(r.stdout, /^RuntimeError: the live dashboard needs the optional package blessed: install it with `npm install blessed`/);
    const status = spawnSync(process.execPath, ['-r', hide, MAIN, 'status', '--state-dir', stateDir], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.is(status.status, 0, status.stderr);
    assert.match(status.stdout, /MAHABHARATHA Status: dash-demo/);
    // And with blessed there, it loads.
    assert.match(spawnSync(process.execPath, ['-e', load], { cwd: dir, encoding: 'utf8' }).stdout, /^loaded/);
  } finally {
    removeTempDir(dir);
  }
});

problem.run();
command.run();
cli.run();
lazy.run();
