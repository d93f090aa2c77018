import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError, UsageError } from '../../src/cli/exit';
import type { StatusOptions } from '../../src/cli/options';
import { wantsColor } from '../../src/cli/colorChoice';
import { statusTextCommand, type StatusIo } from '../../src/cli/statusText';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';
import { golden, GOLDEN_DIR } from '../views/textRuns';

const ROOT = path.join(__dirname, '..', '..');
const UPSTREAM = path.join(__dirname, '..', 'fixtures', 'upstream-dir');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const NOW = Date.parse('2026-01-27T08:48:00Z');

/** Copies a fixture project into `dir` and returns its state dir. */
function project(dir: string, fixture: 'with-graph' | 'no-graph'): string {
  fs.cpSync(path.join(UPSTREAM, fixture), dir, { recursive: true });
  return path.join(dir, '.mahabharatha', 'state');
}

interface Captured {
  code: number;
  out: string;
}

async function run(opts: Partial<StatusOptions>, io: Partial<StatusIo> = {}): Promise<Captured> {
  let out = '';
  const code = await statusTextCommand(
    { color: true, naiveTz: 'UTC', ...opts },
    { stdout: { write: (s: string) => (out += s) }, env: {}, now: () => NOW, color: false, timeZone: 'UTC', ...io },
  );
  return { code, out };
}

async function rejects(body: () => Promise<unknown>, kind: typeof RuntimeError | typeof UsageError): Promise<string> {
  try {
    await body();
  } catch (err) {
    assert.instance(err, kind);
    return (err as Error).message;
  }
  assert.unreachable('expected an error');
  return '';
}

/** Every file under `dir` with its size and mtime, to prove nothing was written. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      const st = fs.statSync(p);
      out.push(`${path.relative(dir, p)} ${entry.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

const upstream = suite('statusTextCommand: upstream state dirs');

upstream('shows levels from the task graph and its total, not the stale metrics’ made-up one', async () => {
  await withTempDir(async (dir) => {
    const { code, out } = await run({ stateDir: project(dir, 'with-graph') });
    assert.is(code, 0);
    assert.fixture(out, golden('status-upstream.txt', out));
    assert.match(out, /Progress: \S+ 50% \(4\/8 tasks, 1 failed\)/);
    // Level-aware, over the graph's 4 tasks left: level 3's retry, then level 4's 2 tasks in one round on 3 workers.
    assert.match(out, /ETA ~1m28s \(estimate\)/);
    assert.not.match(out, /42/);
    assert.match(out, /Level 4: PENDING +\(2 tasks\)/);
    assert.match(out, /WM-006 +attempt 1 +worker 1 +08:47:50 +↻ retrying +Verification failed/);
  });
});

upstream('without a graph, takes levels from -L<n>- ids, keeps the rest apart, shows no total', async () => {
  await withTempDir(async (dir) => {
    const { code, out } = await run({ stateDir: project(dir, 'no-graph') }, { now: () => Date.parse('2026-01-27T10:02:00Z') });
    assert.is(code, 0);
    assert.fixture(out, golden('status-upstream-nograph.txt', out));
    assert.match(out, /Level 1: ✓ DONE/);
    assert.match(out, /Level 2: RUNNING/);
    assert.match(out, /No level: 1\/1 task/);
    assert.match(out, /\(total unknown\)/);
    assert.not.match(out, /\d+\/\d+ tasks\)/);
  });
});

upstream('lists one level’s tasks of an upstream run', async () => {
  await withTempDir(async (dir) => {
    const { out } = await run({ stateDir: project(dir, 'with-graph'), level: 2 });
    assert.fixture(out, golden('status-upstream-level2.txt', out));
    for (const id of ['WM-002', 'WM-003', 'WM-004']) assert.match(out, new RegExp(`│ ${id} +│ complete`));
  });
});

upstream('never writes to the state dir or the project', async () => {
  await withTempDir(async (dir) => {
    const stateDir = project(dir, 'with-graph');
    const before = listing(dir);
    await run({ stateDir });
    await run({ stateDir, level: 3 });
    assert.equal(listing(dir), before);
  });
});
upstream('a log whose run declared its total, and has created every task, shows the fraction, as the dashboard does', async () => {
  await withTempDir(async (dir) => {
    fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'dashboard', 'run-midway.jsonl'), path.join(dir, 'dash-demo-events.jsonl'));
    const { code, out } = await run({ stateDir: dir });
    assert.is(code, 0);
    assert.match(out, /Progress: \S+ 50% \(4\/8 tasks, 1 failed\)/);
    assert.not.match(out, /total unknown/);
  });
});

upstream.run();

const states = suite('statusTextCommand: finding the feature');

states('auto-detects the newest feature, ignoring other JSON files in the state dir', async () => {
  await withTempDir(async (dir) => {
    const stateDir = project(dir, 'with-graph');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(stateDir, 'session.json'), future, future);
    const { out } = await run({ stateDir });
    assert.match(out, /^MAHABHARATHA Status: worker-metrics\n/);
  });
});

states('takes the feature from MAHABHARATHA_FEATURE', async () => {
  await withTempDir(async (dir) => {
    const stateDir = project(dir, 'with-graph');
    fs.cpSync(path.join(UPSTREAM, 'no-graph', '.mahabharatha', 'state'), stateDir, { recursive: true });
    const { out } = await run({ stateDir }, { env: { MAHABHARATHA_FEATURE: 'bite-sized-planning' } });
    assert.match(out, /^MAHABHARATHA Status: bite-sized-planning\n/);
  });
});

states('explains a missing state dir and how to start a run', async () => {
  await withTempDir(async (dir) => {
    const message = await rejects(() => run({ stateDir: path.join(dir, '.mahabharatha', 'state') }), RuntimeError);
    assert.match(message, /no state directory at .*nothing has run here yet/);
    assert.match(message, /mahabharatha rush --graph/);
    assert.match(message, /npm run demo/);
  });
});

states('says so when the state dir given is a file', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, '{}');
    const message = await rejects(() => run({ stateDir: file }), RuntimeError);
    assert.match(message, /state\.json is not a directory: give the state directory \(--state-dir\)/);
  });
});

states('names the features found when asked for an unknown one', async () => {
  await withTempDir(async (dir) => {
    const message = await rejects(() => run({ stateDir: project(dir, 'with-graph'), feature: 'nope' }), RuntimeError);
    assert.match(message, /unknown feature "nope" .*features found: worker-metrics$/);
  });
});

states('refuses a level the run does not have', async () => {
  await withTempDir(async (dir) => {
    const message = await rejects(() => run({ stateDir: project(dir, 'with-graph'), level: 9 }), RuntimeError);
    assert.is(message, 'worker-metrics: level 9 not found (levels: 1, 2, 3, 4)');
  });
});

states('summarises the task graph of a feature that has not run yet', async () => {
  await withTempDir(async (dir) => {
    fs.mkdirSync(path.join(dir, '.gsd', 'specs', 'worker-metrics'), { recursive: true });
    fs.copyFileSync(
      path.join(UPSTREAM, 'with-graph', '.gsd', 'specs', 'worker-metrics', 'task-graph.json'),
      path.join(dir, '.gsd', 'specs', 'worker-metrics', 'task-graph.json'),
    );
    const stateDir = path.join(dir, '.mahabharatha', 'state');
    const { code, out } = await run({ stateDir, feature: 'worker-metrics' });
    assert.is(code, 0);
    assert.match(out, /Run: NOT STARTED/);
    assert.match(out, /8 tasks in 4 levels \(widths 1-3-2-2\)/);
    assert.match(out, /Level 2: 3 tasks {2}WM-002, WM-003, WM-004/);
    assert.is(fs.existsSync(stateDir), false, 'no state dir created');
  });
});

states('rejects an unknown --naive-tz as a usage error', async () => {
  const message = await rejects(() => run({ stateDir: '/nonexistent', naiveTz: 'Mars/Olympus' }), UsageError);
  assert.match(message, /--naive-tz: unknown time zone "Mars\/Olympus"/);
});
states.run();

const colour = suite('statusTextCommand: colour');

colour('colours only a TTY without NO_COLOR and without --no-color', async () => {
  await withTempDir(async (dir) => {
    const stateDir = project(dir, 'with-graph');
    const tty = { write: () => true, isTTY: true };
    const cases: [Partial<StatusOptions>, Partial<StatusIo>, boolean][] = [
      [{}, { env: {} }, true],
      [{}, { env: { NO_COLOR: '1' } }, false],
      [{}, { env: { NO_COLOR: '' } }, true],
      [{}, { env: { TERM: 'dumb' } }, false],
      [{ color: false }, { env: {} }, false],
    ];
    for (const [opts, io, expected] of cases) {
      let out = '';
      await statusTextCommand(
        { color: true, naiveTz: 'UTC', stateDir, ...opts },
        { stdout: { ...tty, write: (s: string) => (out += s) }, now: () => NOW, timeZone: 'UTC', env: {}, ...io },
      );
      assert.is(out.includes('\u001b['), expected, JSON.stringify([opts, io]));
    }
    let piped = '';
    await statusTextCommand({ color: true, naiveTz: 'UTC', stateDir }, { stdout: { write: (s: string) => (piped += s) }, env: {}, now: () => NOW });
    assert.not.match(piped, /\u001b/);
  });
});

colour('wantsColor: off with --no-color or a non-empty NO_COLOR', () => {
  assert.ok(wantsColor({ color: true }, {}));
  assert.not.ok(wantsColor({ color: false }, {}));
  assert.not.ok(wantsColor({ color: true }, { NO_COLOR: '1' }));
  // The NO_COLOR convention: an empty value does not count.
  assert.ok(wantsColor({ color: true }, { NO_COLOR: '' }));
});
colour.run();

const cli = suite('mahabharatha status (built CLI)');

const spawnCli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', ...env } });

cli('prints a completed run from its events log as the renderer does, with each bad line named', async () => {
  await withTempDir((dir) => {
    const stateDir = path.join(dir, '.mahabharatha', 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    fs.copyFileSync(path.join(GOLDEN_DIR, 'inputs', 'run-complete.events.jsonl'), path.join(stateDir, 'worker-metrics-events.jsonl'));
    const r = spawnCli(['status'], dir);
    assert.is(r.status, 0, r.stderr);
    // JSON.parse's own wording changes between Node versions, and times far from the real now
    // carry their date: the golden keeps the rest.
    const stable = r.stdout
      .replace(/(\(invalid_json\)): .*$/gm, '$1: <parser message>')
      .replace(/(started|ended) \d{4}-\d{2}-\d{2} /g, '$1 ');
    assert.fixture(stable, golden('status-cli-events.txt', stable));
    const beforeWarnings = (s: string): string => s.slice(0, s.indexOf('\n⚠'));
    assert.is(beforeWarnings(stable), beforeWarnings(fs.readFileSync(path.join(GOLDEN_DIR, 'status-complete.txt'), 'utf8')));
    // Each bad line is told once, under the count of rejected lines: not again as a warning of its own.
    assert.match(r.stdout, /^⚠ 3 input lines rejected \(invalid_json 2, bad_timestamp 1\):\n {4}at byte \d+ of \.mahabharatha\/state\/worker-metrics-events\.jsonl \(invalid_json\)/m);
    assert.is(r.stdout.match(/"yesterday"/g)?.length, 1);
    assert.not.match(r.stdout, /skipped a bad line/);
    assert.is(r.stderr, '');
  });
});

cli('warns of every input problem --json counts: a timestamp in the future and a partial last line too', async () => {
  await withTempDir((dir) => {
    const stateDir = path.join(dir, '.mahabharatha', 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    const events = generateRun(mulberry32(3), { workers: 2, tasksPerLevel: [2], failRate: 0, producer: 'orch', feature: 'alpha' });
    // An hour ahead of this machine's clock (a producer's clock that is off), then a line cut short.
    const ahead = JSON.stringify({ timestamp: new Date(Date.now() + 3_600_000).toISOString(), type: 'worker_heartbeat', feature: 'alpha', data: { worker_id: 1 } });
    fs.writeFileSync(path.join(stateDir, 'alpha-events.jsonl'), `${toJsonl(events)}${ahead}\n{"timestamp": "2026-01-27T08:0`);
    const text = spawnCli(['status', '--no-color'], dir);
    assert.is(text.status, 0, text.stderr);
    const json = spawnCli(['status', '--json'], dir);
    const ingest = (JSON.parse(json.stdout) as { ingest: { future_timestamps: number; torn_tail: number } }).ingest;
    assert.equal([ingest.future_timestamps, ingest.torn_tail], [1, 1]);
    assert.match(text.stdout, /^⚠ .*1 timestamp in the future, 1 partial last line/m);
  });
});

cli('reads an upstream dir in a project (TZ=UTC), no colour when piped, and leaves it untouched', async () => {
  await withTempDir((dir) => {
    project(dir, 'with-graph');
    const before = listing(dir);
    const r = spawnCli(['status', '--feature', 'worker-metrics'], dir);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Level 3: RUNNING/);
    assert.match(r.stdout, /Tasks: 4\/8 \(1 failed\)/);
    assert.not.match(r.stdout, /\u001b/);
    assert.equal(listing(dir), before);
  });
});

cli('exits 1 with a hint when there is no state dir', async () => {
  await withTempDir((dir) => {
    const r = spawnCli(['status'], dir);
    assert.is(r.status, 1);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^mahabharatha: no state directory at \.mahabharatha\/state: nothing has run here yet; start a run with/);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  });
});

cli('exits 1 listing the features for an unknown one, 2 for a bad option', async () => {
  await withTempDir((dir) => {
    project(dir, 'with-graph');
    const unknown = spawnCli(['status', '--feature', 'nope'], dir);
    assert.is(unknown.status, 1);
    assert.match(unknown.stderr, /features found: worker-metrics/);
    assert.is(spawnCli(['status', '--naive-tz', 'Nowhere/Land'], dir).status, 2);
    assert.is(spawnCli(['status', '--level', 'two'], dir).status, 2);
  });
});

cli('exits 0 with the graph summary for a feature that has not run', async () => {
  await withTempDir((dir) => {
    fs.cpSync(path.join(UPSTREAM, 'with-graph', '.gsd'), path.join(dir, '.gsd'), { recursive: true });
    const r = spawnCli(['status', '--feature', 'worker-metrics'], dir);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /8 tasks in 4 levels \(widths 1-3-2-2\)/);
  });
});
cli.run();
