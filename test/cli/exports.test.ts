/**
 * What a real `rush` run leaves for people to look at: its trace (Chrome trace-event JSON), its
 * attempts as CSV, each attempt's output log, and `status --task` over them. One run of a graph
 * whose task fails once (exit 3, 26 lines of output) and passes on retry, shared by the cases.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { attemptLogPath } from '../../src/state/layout';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';
import { copyGraph, readEvents, runCli } from '../orchestrator/cliHarness';

const Run = suite<{ dir: string; stateDir: string; events: LifecycleEvent[] }>('a rush run, exported', { dir: '', stateDir: '', events: [] });

Run.before(async (ctx) => {
  ctx.dir = makeTempDir('mahabharatha-exports-');
  ctx.stateDir = path.join(ctx.dir, 'state');
  copyGraph('flaky.task-graph.json', ctx.dir);
  const r = await runCli(['rush', '--graph', 'flaky.task-graph.json', '--workers', '2', '--retries', '1', '--state-dir', 'state'], { cwd: ctx.dir });
  assert.is(r.code, 0, r.stderr + r.stdout);
  ctx.events = readEvents(ctx.stateDir, 'flaky').events;
});
Run.after((ctx) => removeTempDir(ctx.dir));

/** Each attempt as the events log has it: claim → its task_complete / task_failed. */
function attemptsInLog(events: readonly LifecycleEvent[]): Array<{ taskId: string; workerId: number; claimed: number; ended: number; failed: boolean }> {
  const open = new Map<string, { workerId: number; claimed: number }>();
  const out: Array<{ taskId: string; workerId: number; claimed: number; ended: number; failed: boolean }> = [];
  for (const e of events) {
    if (e.type === 'task_claimed') open.set(e.data.taskId, { workerId: e.data.workerId, claimed: e.ts });
    if (e.type === 'task_complete' || e.type === 'task_failed') {
      const claim = open.get(e.data.taskId);
      if (claim) out.push({ taskId: e.data.taskId, ...claim, ended: e.ts, failed: e.type === 'task_failed' });
      open.delete(e.data.taskId);
    }
  }
  return out;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args: Record<string, unknown>;
}

Run('the trace is Chrome trace JSON: one X event per attempt, its duration in µs, one track per worker', async ({ dir, events }) => {
  const r = await runCli(['metrics', 'export', '--format', 'trace', '--feature', 'flaky', '--state-dir', 'state', '--out', '-'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
  assert.ok(Array.isArray(doc.traceEvents));
  for (const e of doc.traceEvents) {
    assert.ok(typeof e.name === 'string' && typeof e.ph === 'string' && Number.isInteger(e.pid) && Number.isInteger(e.tid));
    if (e.ph === 'X') assert.ok(Number.isInteger(e.ts) && Number.isInteger(e.dur) && (e.dur as number) >= 0, JSON.stringify(e));
  }
  const expected = attemptsInLog(events);
  assert.is(expected.length, 4);
  const tasks = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'level');
  assert.is(tasks.length, expected.length);
  const tracks = new Map(doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.tid, e.args.name]));
  for (const a of expected) {
    const x = tasks.find((e) => e.args.task_id === a.taskId && e.args.worker_id === a.workerId && e.args.outcome === (a.failed ? 'failed' : 'complete'));
    assert.ok(x, `no event for ${a.taskId} on worker ${a.workerId}`);
    assert.is(x?.dur, Math.round((a.ended - a.claimed) * 1000));
    assert.is(tracks.get(x?.tid as number), `worker ${a.workerId}`);
  }
  const failed = tasks.find((e) => e.args.outcome === 'failed');
  assert.is(failed?.args.exit_code, 3);
  const workers = new Set(events.filter((e) => e.type === 'worker_started').map((e) => (e.data as { workerId: number }).workerId));
  assert.is([...tracks.values()].filter((n) => String(n).startsWith('worker ')).length, workers.size);
  assert.is(tracks.get(0), 'orchestrator');
  const levels = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'level');
  assert.equal(levels.map((e) => [e.name, e.tid]), [['level 1', 0], ['level 2', 0]]);
});

Run('the CSV has one row per attempt, with its worker, outcome and exit code', async ({ dir }) => {
  const out = path.join(dir, 'attempts.csv');
  const r = await runCli(['metrics', 'export', '--format', 'csv', '--feature', 'flaky', '--state-dir', 'state', '--out', out], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const rows = fs.readFileSync(out, 'utf8').split('\r\n');
  assert.is(rows.pop(), '');
  assert.is(rows[0], 'task_id,level,attempt,worker_id,outcome,claimed_at,started_at,ended_at,duration_ms,exit_code,error');
  assert.is(rows.length, 5);
  const failed = rows.filter((row) => row.includes(',failed,'));
  assert.is(failed.length, 1);
  assert.match(failed[0] ?? '', /^FL-L1-002,1,1,\d+,failed,.*,3,exit 3: broken once$/);
});

Run('each attempt’s output is kept in its own log', ({ stateDir }) => {
  assert.is(path.relative(path.dirname(stateDir), attemptLogPath(stateDir, 'FL-L1-002', 1)), path.join('logs', 'tasks', 'FL-L1-002', 'attempt-1.log'));
  const first = fs.readFileSync(attemptLogPath(stateDir, 'FL-L1-002', 1), 'utf8');
  assert.match(first, /^step 1\n/);
  assert.match(first, /step 25\nbroken once\n$/);
  // (node may add a warning of its own on stderr, as it would in a terminal)
  assert.match(fs.readFileSync(attemptLogPath(stateDir, 'FL-L1-002', 2), 'utf8'), /^fixed$/m);
  assert.match(fs.readFileSync(attemptLogPath(stateDir, 'FL-L1-001', 1), 'utf8'), /^hello from FL-L1-001$/m);
});

Run('status --task shows each attempt, the failing one’s exit code, and the last 20 lines of its output', async ({ dir }) => {
  const r = await runCli(['status', '--task', 'FL-L1-002', '--feature', 'flaky', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Task FL-L1-002 · level 1 · complete · 2 attempts$/m);
  assert.match(r.stdout, /^Attempt 1 · worker \d+ · failed, exit 3$/m);
  assert.match(r.stdout, /^  claimed \d\d:\d\d:\d\d  started \d\d:\d\d:\d\d  ended \d\d:\d\d:\d\d  took \d+(ms|\.\ds)$/m);
  assert.match(r.stdout, /^Attempt 2 · worker \d+ · complete$/m);
  assert.match(r.stdout, /last 20 lines of .*attempt-1\.log:/);
  assert.ok(r.stdout.includes('  │ step 7\n') && r.stdout.includes('  │ broken once\n'), r.stdout);
  assert.not.ok(r.stdout.includes('│ step 6\n'));
  assert.ok(r.stdout.includes('  │ fixed\n'));
});

Run('status --task with an unknown id exits 1 and names the ids that come close', async ({ dir }) => {
  const r = await runCli(['status', '--task', 'FL-L1-02', '--feature', 'flaky', '--state-dir', 'state'], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^mahabharatha: flaky has no task FL-L1-02; did you mean FL-L1-002, FL-L1-001/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

Run.run();
