/**
 * `status --serve` and `rush --metrics-port` scraped by a real Prometheus server (Debian package
 * `prometheus`, which `.ci/run` installs): the figures Prometheus stores are the ones `status
 * --json` reports, `promtool check metrics` accepts the exposition, other paths are 404, and a port
 * in use is one clear line.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath } from '../../src/state/layout';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { copyGraph, runCli, startCli } from '../orchestrator/cliHarness';
import { freePort } from '../helpers/freePort';
import { waitUntil } from '../helpers/waitUntil';

const get = async (url: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

interface Ctx {
  dir: string;
  stateDir: string;
  servePort: number;
  serve: ChildProcess | null;
  expected: { completed: number; p95Ms: number; level: number };
}

const Serve = suite<Ctx>('status --serve, scraped by Prometheus', { dir: '', stateDir: '', servePort: 0, serve: null, expected: { completed: 0, p95Ms: 0, level: 0 } });

Serve.before(async (ctx) => {
  ctx.dir = makeTempDir('mahabharatha-prom-');
  ctx.stateDir = path.join(ctx.dir, 'state');
  fs.mkdirSync(ctx.stateDir);
  const events = generateRun(mulberry32(42), { workers: 3, tasksPerLevel: [6, 4], failRate: 0.2, maxRetries: 5, producer: 'orch', feature: 'prom' });
  fs.writeFileSync(eventsPath(ctx.stateDir, 'prom'), toJsonl(events));
  const json = await runCli(['status', '--json', '--state-dir', ctx.stateDir], { cwd: ctx.dir });
  const doc = JSON.parse(json.stdout) as { metrics: { tasks_completed: number; level_metrics: Array<{ level: number; p95_duration_ms: number }> } };
  const level = doc.metrics.level_metrics[0];
  if (level === undefined) throw new Error('the generated run has no level');
  ctx.expected = { completed: doc.metrics.tasks_completed, p95Ms: level.p95_duration_ms, level: level.level };
  ctx.servePort = await freePort();
  ctx.serve = startCli(['status', '--serve', String(ctx.servePort), '--state-dir', ctx.stateDir], { cwd: ctx.dir, timeoutMs: 120_000 }).child;
  // A probe that fails (nothing listens yet) counts as no answer.
  await waitUntil('status --serve to answer on /metrics', () => get(`http://127.0.0.1:${ctx.servePort}/metrics`).then((r) => r.status === 200, () => null), { everyMs: 200 });
});

Serve.after(async (ctx) => {
  if (ctx.serve) {
    ctx.serve.kill('SIGINT');
    await exited(ctx.serve);
  }
  removeTempDir(ctx.dir);
});

Serve('promtool check metrics accepts the exposition', async ({ servePort }) => {
  const { text } = await get(`http://127.0.0.1:${servePort}/metrics`);
  assert.match(text, /^mahabharatha_tasks_completed_total\{feature="prom"\} \d+$/m);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.is(check.error, undefined, 'promtool is missing: apt-get install -y prometheus (.ci/run does)');
  assert.is(check.status, 0, check.stdout + check.stderr);
  assert.is((check.stdout + check.stderr).trim(), '');
});

Serve('answers 404 off /metrics', async ({ servePort }) => {
  const r = await get(`http://127.0.0.1:${servePort}/other`);
  assert.is(r.status, 404);
});

Serve('a second server on the same port is one clear line and exit 1', async ({ dir, stateDir, servePort }) => {
  const r = await runCli(['status', '--serve', String(servePort), '--state-dir', stateDir], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stderr.replace(/\(node:\d+\) Warning:.*\n(.*--trace-warnings.*\n)?/g, ''), `mahabharatha: cannot serve metrics on 127.0.0.1:${servePort}: the port is in use (another server, or another run, listens there)\n`);
});

Serve('Prometheus scrapes it and stores the tasks completed and a level’s p95', async ({ dir, servePort, expected }) => {
  const promPort = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: mahabharatha', '    static_configs:', `      - targets: ['127.0.0.1:${servePort}']`, ''].join('\n'),
  );
  const prometheus = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prometheus.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const spawnError = new Promise<Error>((resolve) => prometheus.once('error', resolve));
  try {
    const query = async (q: string): Promise<number | null> => {
      const r = await Promise.race([fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`), spawnError.then((e) => Promise.reject(e))]);
      const body = (await r.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      const value = body.data?.result?.[0]?.value[1];
      return value === undefined ? null : Number(value);
    };
    // Boxed, so that a count of 0 is an answer too; a failed query (Prometheus not up yet) is none.
    const completed = await waitUntil(
      'Prometheus to store the tasks completed',
      () => query('mahabharatha_tasks_completed_total{feature="prom"}').then((value) => (value === null ? null : { value }), () => null),
      { everyMs: 200 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; Prometheus logged: ${log}`);
    });
    assert.is(completed.value, expected.completed);
    const p95 = await query(`mahabharatha_task_duration_seconds{feature="prom",level="${expected.level}",quantile="0.95"}`);
    assert.is(p95, expected.p95Ms / 1000);
  } finally {
    prometheus.kill('SIGTERM');
    await exited(prometheus);
  }
});

const Rush = suite('rush --metrics-port');

Rush('serves the run’s metrics while it runs, and frees the port when it ends', async () => {
  const dir = makeTempDir('mahabharatha-prom-rush-');
  try {
    copyGraph('flaky.task-graph.json', dir);
    const port = await freePort();
    const run = startCli(['rush', '--graph', 'flaky.task-graph.json', '--workers', '2', '--state-dir', 'state', '--metrics-port', String(port)], { cwd: dir });
    const seen = await waitUntil(
      'a scrape of the running rush',
      () => get(`http://127.0.0.1:${port}/metrics`).then((r) => (/mahabharatha_tasks\{feature="flaky",status="\w+"\} \d/.test(r.text) ? r.text : null), () => null),
      { everyMs: 200 },
    );
    assert.match(seen, /^mahabharatha_worker_up\{feature="flaky",worker="\d+"\} [01]$/m);
    const result = await run.result;
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^metrics on http://127\\.0\\.0\\.1:${port}/metrics$`, 'm'));
    const after = await get(`http://127.0.0.1:${port}/metrics`).then(
      () => 'still served',
      () => 'refused',
    );
    assert.is(after, 'refused');
  } finally {
    removeTempDir(dir);
  }
});

Serve.run();
Rush.run();
