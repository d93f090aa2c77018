/**
 * `mahabharatha status --json` end to end: the built binary (`dist/cli/main.js`, built by `npm test`)
 * on state dirs made here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath, statePath } from '../../src/state/layout';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, 'status', '--json', ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', ...env } });

/** Every file of a tree with its size and mtime: what "nothing was written" means. */
function listing(dir: string): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.statSync(p);
      out.push([path.relative(dir, p), st.size, st.mtimeMs]);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** A state dir with one run of `feature` in its events log (plus a bad line). */
function ownRun(root: string, feature = 'alpha'): string {
  const stateDir = path.join(root, '.mahabharatha', 'state');
  fs.mkdirSync(stateDir, { recursive: true });
  const events = generateRun(mulberry32(11), { workers: 3, tasksPerLevel: [3, 2], failRate: 0.3, maxRetries: 3, producer: 'orch', feature });
  fs.writeFileSync(eventsPath(stateDir, feature), `${toJsonl(events)}this is not json\n`);
  return stateDir;
}

const Json = suite('status --json');

Json('prints one JSON document with the run, its seed-shaped metrics and the ingest counters', () =>
  withTempDir((root) => {
    ownRun(root);
    const r = cli([], root);
    assert.is(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    for (const key of ['schema_version', 'feature', 'current_level', 'tasks', 'workers', 'levels', 'events', 'metrics', 'ingest']) assert.ok(key in doc, key);
    assert.is(doc.schema_version, 1);
    assert.is(doc.feature, 'alpha');
    assert.is(doc.tasks.length, 5);
    assert.ok(doc.events.length <= 10 && doc.events.length > 0);
    assert.is(doc.events[doc.events.length - 1].type, 'rush_completed');
    const m = doc.metrics;
    for (const key of ['computed_at', 'total_duration_ms', 'workers_used', 'tasks_total', 'tasks_completed', 'tasks_failed', 'levels_completed', 'worker_metrics', 'level_metrics']) {
      assert.ok(key in m, `metrics.${key}`);
    }
    assert.equal(m.worker_metrics.map((w: { worker_id: number }) => w.worker_id), [0, 1, 2]);
    assert.equal(m.level_metrics.map((l: { level: number }) => l.level), [1, 2]);
    for (const l of m.level_metrics) {
      assert.is(l.percentile_method, 'exact');
      assert.is(typeof l.samples, 'number');
      for (const k of ['p50_duration_ms', 'p95_duration_ms', 'p99_duration_ms']) assert.is(typeof l[k], 'number');
    }
    assert.is(m.tasks_completed, 5);
    assert.equal(doc.ingest.invalid_lines, { invalid_json: 1 });
    for (const k of ['unknown_events', 'duplicate_events', 'out_of_order', 'negative_durations', 'future_timestamps', 'torn_tail', 'log_truncations', 'state_recoveries']) {
      assert.is(typeof doc.ingest[k], 'number', k);
    }
    assert.match(r.stderr, /bad line/);
  }),
);

Json('never writes to the state dir, even with bad lines, a torn tail and a corrupt state file', () =>
  withTempDir((root) => {
    const stateDir = ownRun(root);
    fs.appendFileSync(eventsPath(stateDir, 'alpha'), '{"timestamp":"2026-01-27T');
    fs.writeFileSync(statePath(stateDir, 'alpha'), '{"feature": "alpha", "tasks": {');
    const before = listing(root);
    const r = cli(['--feature', 'alpha'], root);
    assert.is(r.status, 0, r.stderr);
    assert.is((JSON.parse(r.stdout) as { ingest: { torn_tail: number } }).ingest.torn_tail, 1);
    assert.equal(listing(root), before);
  }),
);

Json('reads an upstream state dir: naive stamps in the given zone, levels from the task graph', () =>
  withTempDir((root) => {
    const stateDir = path.join(root, '.mahabharatha', 'state');
    const specs = path.join(root, '.gsd', 'specs', 'up');
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(specs, { recursive: true });
    fs.writeFileSync(
      path.join(specs, 'task-graph.json'),
      JSON.stringify({ feature: 'up', tasks: [{ id: 'UP-001', level: 1 }, { id: 'UP-002', level: 2 }, { id: 'UP-003', level: 2 }] }),
    );
    fs.writeFileSync(
      statePath(stateDir, 'up'),
      JSON.stringify({
        feature: 'up',
        started_at: '2026-01-27T08:00:00.000000',
        current_level: 2,
        tasks: {
          'UP-001': { status: 'complete', worker_id: 1, claimed_at: '2026-01-27T08:00:02', started_at: '2026-01-27T08:00:02', completed_at: '2026-01-27T08:00:32', duration_ms: 30000 },
          'UP-002': { status: 'in_progress', worker_id: 1, claimed_at: '2026-01-27T08:00:40', started_at: '2026-01-27T08:00:41' },
        },
        workers: { '1': { worker_id: 1, status: 'running', started_at: '2026-01-27T08:00:00.500000', ready_at: '2026-01-27T08:00:01.700000' } },
        levels: { '1': { status: 'complete', started_at: '2026-01-27T08:00:01', completed_at: '2026-01-27T08:00:33' }, '2': { status: 'running', started_at: '2026-01-27T08:00:34' } },
        execution_log: [],
        metrics: null,
        paused: false,
        error: null,
      }),
    );
    const before = listing(root);
    const r = cli(['--naive-tz', 'Europe/Berlin'], root);
    assert.is(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    assert.is(doc.feature, 'up');
    assert.is(doc.started_at, '2026-01-27T07:00:00.000Z');
    assert.equal(doc.metrics.level_metrics.map((l: { level: number; task_count: number }) => [l.level, l.task_count]), [[1, 1], [2, 1]]);
    assert.is(doc.metrics.worker_metrics[0].initialization_ms, 1200);
    assert.is(doc.metrics.tasks_total, 3, 'the graph gives the size of the run');
    // Level-aware, over the graph's 3 tasks: UP-002 has run past the mean (30 s), UP-003 takes the mean on the one worker.
    assert.is(doc.metrics.eta_ms, 30000);
    assert.is(doc.run.eta_ms, 30000);
    assert.is(doc.run.tasks_total, 3);
    assert.is(doc.current_level, 2);
    assert.equal(listing(root), before);
  }),
);

Json('an upstream state dir without a task graph: no size, no ETA, as status says ("three answers" no more)', () =>
  withTempDir((root) => {
    const stateDir = path.join(root, '.mahabharatha', 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    const at = (s: number) => new Date(Date.UTC(2026, 0, 27, 8, 0, s)).toISOString().replace('Z', '+00:00');
    const tasks: Record<string, unknown> = {};
    for (let i = 1; i <= 7; i++) {
      const done = i <= 4;
      tasks[`UP-L1-00${i}`] = done
        ? { status: 'complete', worker_id: 1 + (i % 2), claimed_at: at(i * 10), started_at: at(i * 10), completed_at: at(i * 10 + 8), duration_ms: 8000 }
        : { status: i === 5 ? 'in_progress' : 'pending', worker_id: i === 5 ? 1 : null, claimed_at: i === 5 ? at(60) : null };
    }
    fs.writeFileSync(
      statePath(stateDir, 'up'),
      JSON.stringify({
        feature: 'up',
        started_at: at(0),
        current_level: 1,
        tasks,
        workers: { '1': { worker_id: 1, status: 'running', started_at: at(1) }, '2': { worker_id: 2, status: 'running', started_at: at(1) } },
        levels: { '1': { status: 'running', started_at: at(2) } },
        execution_log: [],
        metrics: { tasks_total: 42 },
        paused: false,
        error: null,
      }),
    );
    const doc = JSON.parse(cli(['--feature', 'up'], root).stdout) as Record<string, any>;
    assert.equal([doc.run.size_known, doc.run.tasks_total, doc.run.progress, doc.run.eta_ms], [false, null, null, null]);
    assert.is(doc.metrics.eta_ms, null, 'no estimate over the tasks seen so far');
    const text = spawnSync(process.execPath, [CLI, 'status', '--feature', 'up'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', NO_COLOR: '1' } }).stdout;
    assert.match(text, /\(total unknown\)/);
    assert.not.match(text, /ETA/);
  }),
);

Json('finds the feature from MAHABHARATHA_FEATURE', () =>
  withTempDir((root) => {
    ownRun(root, 'alpha');
    ownRun(root, 'beta');
    const r = cli([], root, { MAHABHARATHA_FEATURE: 'alpha' });
    assert.is(r.status, 0, r.stderr);
    assert.is((JSON.parse(r.stdout) as { feature: string }).feature, 'alpha');
  }),
);

Json('an unknown feature exits 1 and lists the features found', () =>
  withTempDir((root) => {
    ownRun(root, 'alpha');
    const r = cli(['--feature', 'gamma'], root);
    assert.is(r.status, 1);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /unknown feature "gamma".*features found: alpha/);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }),
);

Json('no state dir exits 1 and says how to start a run', () =>
  withTempDir((root) => {
    const r = cli(['--state-dir', path.join(root, 'nowhere')], root);
    assert.is(r.status, 1);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /no state directory.*rush/);
  }),
);

Json('a bad flag or zone exits 2', () =>
  withTempDir((root) => {
    ownRun(root);
    const unknownFlag = cli(['--frobnicate'], root);
    assert.is(unknownFlag.status, 2);
    assert.is(unknownFlag.stdout, '');
    const badZone = cli(['--naive-tz', 'Mars/Olympus'], root);
    assert.is(badZone.status, 2);
    assert.match(badZone.stderr, /--naive-tz/);
    const conflicting = spawnSync(process.execPath, [CLI, 'status', '--json', '--watch'], { cwd: root, encoding: 'utf8' });
    assert.is(conflicting.status, 2);
  }),
);

Json.run();
