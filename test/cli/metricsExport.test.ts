import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError } from '../../src/cli/exit';
import { metricsExportCommand } from '../../src/cli/metricsExport';
import { FeatureMetrics } from '../../src/metrics/types';
import { withTempDir } from '../helpers/tempDir';
import { GOLDEN_DIR } from '../views/textRuns';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const UPSTREAM = path.join(__dirname, '..', 'fixtures', 'upstream-dir');
const NOW = Date.parse('2026-01-27T08:48:00Z');

function io() {
  const captured = { out: '', err: '' };
  return {
    captured,
    io: {
      stdout: { write: (s: string) => (captured.out += s) },
      stderr: { write: (s: string) => (captured.err += s) },
      env: {},
      now: () => NOW,
    },
  };
}

function completedRun(dir: string): string {
  const stateDir = path.join(dir, '.mahabharatha', 'state');
  fs.mkdirSync(stateDir, { recursive: true });
  fs.copyFileSync(path.join(GOLDEN_DIR, 'inputs', 'run-complete.events.jsonl'), path.join(stateDir, 'worker-metrics-events.jsonl'));
  return stateDir;
}

const decodeMetrics = (json: string): FeatureMetrics => {
  const decoded = FeatureMetrics.decode(JSON.parse(json));
  if (E.isLeft(decoded)) throw new Error('export does not decode as FeatureMetrics');
  return decoded.right;
};

const exporter = suite('metricsExportCommand');

exporter('prints the feature metrics as snake_case JSON on stdout', async () => {
  await withTempDir(async (dir) => {
    const { io: testIo, captured } = io();
    assert.is(await metricsExportCommand({ stateDir: completedRun(dir) }, testIo), 0);
    const raw = JSON.parse(captured.out) as Record<string, unknown>;
    assert.ok('tasks_total' in raw && 'worker_metrics' in raw && 'level_metrics' in raw);
    assert.not.ok('tasksTotal' in raw);
    const metrics = decodeMetrics(captured.out);
    assert.equal(
      [metrics.totalDurationMs, metrics.workersUsed, metrics.tasksTotal, metrics.tasksCompleted, metrics.levelsCompleted],
      [240_000, 3, 6, 6, 3],
    );
    assert.equal(
      metrics.workerMetrics.map((w) => w.initializationMs),
      [1200, 1100, 1300],
    );
  });
});

exporter('writes --out, creating its directories, and says where on stderr', async () => {
  await withTempDir(async (dir) => {
    const { io: testIo, captured } = io();
    const out = path.join(dir, 'reports', 'nested', 'metrics.json');
    assert.is(await metricsExportCommand({ stateDir: completedRun(dir), out }, testIo), 0);
    assert.is(captured.out, '');
    assert.match(captured.err, /metrics of worker-metrics written to /);
    assert.is(decodeMetrics(fs.readFileSync(out, 'utf8')).tasksCompleted, 6);
    assert.equal(fs.readdirSync(path.dirname(out)), ['metrics.json'], 'no temp file left');
  });
});

exporter('exports an upstream run with the graph’s total and levels, reading naive stamps in the given zone', async () => {
  await withTempDir(async (dir) => {
    fs.cpSync(path.join(UPSTREAM, 'with-graph'), dir, { recursive: true });
    const { io: testIo, captured } = io();
    await metricsExportCommand({ stateDir: path.join(dir, '.mahabharatha', 'state'), naiveTz: 'UTC' }, testIo);
    const metrics = decodeMetrics(captured.out);
    assert.is.not(metrics.tasksTotal, 42);
    assert.equal(
      metrics.levelMetrics.map((l) => [l.level, l.completedCount]),
      [
        [1, 1],
        [2, 3],
        [3, 0],
        [4, 0],
      ],
    );
  });
});

exporter('fails with one line when there is nothing to export', async () => {
  await withTempDir(async (dir) => {
    try {
      await metricsExportCommand({ stateDir: path.join(dir, 'missing') }, io().io);
      assert.unreachable();
    } catch (err) {
      assert.instance(err, RuntimeError);
      assert.match((err as Error).message, /no state directory/);
    }
  });
});
exporter('an --out it cannot write: one line saying why, and nothing left behind', async () => {
  await withTempDir(async (dir) => {
    const stateDir = completedRun(dir);
    fs.writeFileSync(path.join(dir, 'afile'), '');
    fs.mkdirSync(path.join(dir, 'adir'));
    const cases: [string, RegExp][] = [
      [path.join(dir, 'afile', 'sub', 'm.json'), /afile is in the way: it exists and is not a directory/],
      [path.join(dir, 'adir'), /adir: it is a directory; give a file name \(e\.g\. .*adir\/metrics\.json\)/],
    ];
    for (const [out, expected] of cases) {
      try {
        await metricsExportCommand({ stateDir, out }, io().io);
        assert.unreachable(out);
      } catch (err) {
        assert.instance(err, RuntimeError, out);
        assert.match((err as Error).message, expected, out);
      }
    }
    assert.equal(fs.readdirSync(path.join(dir, 'adir')), []);
    assert.equal(fs.readdirSync(dir).sort(), ['.mahabharatha', 'adir', 'afile']);
  });
});
exporter.run();

const cli = suite('mahabharatha metrics export (built CLI)');

cli('writes the JSON file and exits 0', async () => {
  await withTempDir((dir) => {
    completedRun(dir);
    const r = spawnSync(process.execPath, [CLI, 'metrics', 'export', '--out', 'out/m.json'], { cwd: dir, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(decodeMetrics(fs.readFileSync(path.join(dir, 'out', 'm.json'), 'utf8')).workersUsed, 3);
  });
});
cli.run();
