/**
 * DESIGN §8 at scale: a 100k-line log of which 10% is bad, in every way the design names. Nothing
 * crashes, each bad line is counted under exactly one reason, and the good lines give the metrics
 * they give alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventLine, MAX_LINE_BYTES } from '../../src/events/decode';
import type { IngestCounters } from '../../src/metrics/snapshot';
import { eventsPath, rejectedPath } from '../../src/state/layout';
import { replayLog } from '../helpers/processorRuns';
import { consecutiveRuns } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'bad';
const NOW = Date.UTC(2026, 5, 1);
const TOTAL_LINES = 100_000;

/** How many bad lines of each kind, and where each is counted. */
const BAD: ReadonlyArray<readonly [kind: string, count: number]> = [
  ['invalid_json', 1500],
  ['not_an_object', 1000],
  ['bad_envelope', 1000],
  ['bad_timestamp', 1000],
  ['bad_data', 1000],
  ['unknown_type', 1000],
  ['duplicate', 1500],
  ['out_of_order', 500],
  ['negative_duration', 500],
  ['future_timestamp', 996],
  ['line_too_long', 3],
  ['torn_tail', 1],
];
const BAD_TOTAL = BAD.reduce((n, [, c]) => n + c, 0);

const stamp = '2026-01-27T09:00:00.000Z';

function badLine(kind: string, i: number, done: readonly { taskId: string; workerId: number }[]): string {
  const task = done[i % done.length] as { taskId: string; workerId: number };
  switch (kind) {
    case 'invalid_json':
      return `{"timestamp": "${stamp}", "type": "task_claimed", "data": {`;
    case 'not_an_object':
      return i % 2 ? `[${i}]` : `"line ${i}"`;
    case 'bad_envelope':
      return JSON.stringify({ type: 'task_claimed', data: { task_id: 'X' } });
    case 'bad_timestamp':
      return JSON.stringify({ timestamp: '2026-02-30T10:00:00Z', type: 'worker_ready', data: { worker_id: 0 } });
    case 'bad_data':
      return JSON.stringify({ timestamp: stamp, type: 'task_complete', data: { task_id: 7, worker_id: 'seven' } });
    case 'unknown_type':
      return JSON.stringify({ timestamp: stamp, type: 'task_teleported', data: { task_id: task.taskId } });
    case 'out_of_order':
      // A completed task claimed again: an impossible sequence, counted and ignored.
      return eventLine({ type: 'task_claimed', ts: Date.UTC(2026, 2, 1) + i, data: { taskId: task.taskId, workerId: task.workerId } }).trimEnd();
    case 'negative_duration':
      return eventLine({ type: 'verification_passed', ts: Date.UTC(2026, 2, 1) + i, data: { taskId: task.taskId, workerId: task.workerId, durationMs: -5 } }).trimEnd();
    case 'future_timestamp':
      // A worker that is long ready says so again, stamped an hour ahead of the clock.
      return eventLine({ type: 'worker_ready', ts: NOW + 3_600_000 + i, data: { workerId: task.workerId } }).trimEnd();
    case 'line_too_long':
      return JSON.stringify({ timestamp: stamp, type: 'worker_ready', data: { worker_id: 0, pad: 'x'.repeat(MAX_LINE_BYTES) } });
    default:
      throw new Error(`no bad line of kind ${kind}`);
  }
}

const Bad = suite('createMetricsProcessor (bad input at scale)');

Bad('100k lines, 10% bad in every way: no crash, each bad line counted under exactly one reason', () =>
  withTempDir(async (dir) => {
    const rand = mulberry32(99);
    // Good events: one producer, so a repeated line is a duplicate by producer+seq.
    const numbered = [...consecutiveRuns(TOTAL_LINES - BAD_TOTAL, 1000, { workers: 4, tasksPerLevel: [40, 40, 40], failRate: 0.05, maxRetries: 5 }, 'p')];
    const goodLines = numbered.map((e) => eventLine(e).trimEnd());
    const done = numbered.flatMap((e) => (e.type === 'task_complete' ? [{ taskId: e.data.taskId, workerId: e.data.workerId }] : []));

    // Bad lines that refer to completed tasks go after them; the rest anywhere; the torn line last.
    const lines = [...goodLines];
    const tail: string[] = [];
    // Duplicates first, so that only good lines are repeated.
    const byKind = [...BAD].sort(([a], [b]) => Number(b === 'duplicate') - Number(a === 'duplicate'));
    for (const [kind, count] of byKind) {
      for (let i = 0; i < count; i++) {
        if (kind === 'torn_tail') continue;
        if (kind === 'duplicate') {
          const at = 1 + Math.floor(rand() * (lines.length - 1));
          lines.splice(at, 0, lines[at - 1] as string);
        } else if (kind === 'out_of_order' || kind === 'negative_duration' || kind === 'future_timestamp') {
          tail.push(badLine(kind, i, done));
        } else {
          lines.splice(Math.floor(rand() * lines.length), 0, badLine(kind, i, done));
        }
      }
    }
    lines.push(...tail);
    assert.is(lines.length + 1, TOTAL_LINES);
    fs.writeFileSync(eventsPath(dir, FEATURE), `${lines.join('\n')}\n{"timestamp": "${stamp}", "type": "worker_re`);

    const cleanDir = path.join(dir, 'clean');
    fs.mkdirSync(cleanDir);
    fs.writeFileSync(eventsPath(cleanDir, FEATURE), `${goodLines.join('\n')}\n`);

    const warnings: string[] = [];
    const runOn = async (stateDir: string) => (await replayLog(stateDir, { feature: FEATURE, now: NOW, onWarning: (m) => warnings.push(m) })).snapshot();
    const noisy = await runOn(dir);
    const clean = await runOn(cleanDir);

    // What the noise added to each counter (the good lines alone may already count some sequences).
    const added = (k: Exclude<keyof IngestCounters, 'invalidLines'>): number => noisy.ingest[k] - clean.ingest[k];
    assert.equal(clean.ingest.invalidLines, {});
    assert.equal(noisy.ingest.invalidLines, { invalid_json: 1500, not_an_object: 1000, bad_envelope: 1000, bad_timestamp: 1000, bad_data: 1000, line_too_long: 3 });
    assert.is(added('unknownEvents'), 1000);
    assert.is(added('duplicateEvents'), 1500);
    assert.is(added('outOfOrder'), 500);
    assert.is(added('negativeDurations'), 500);
    assert.is(added('futureTimestamps'), 996);
    assert.is(added('tornTail'), 1);
    assert.is(added('logTruncations') + added('stateRecoveries'), 0);
    const counted =
      Object.values(noisy.ingest.invalidLines).reduce((a, b) => a + (b ?? 0), 0) +
      (['unknownEvents', 'duplicateEvents', 'outOfOrder', 'negativeDurations', 'futureTimestamps', 'tornTail'] as const).reduce((a, k) => a + added(k), 0);
    assert.is(counted, BAD_TOTAL, 'every bad line counted once');

    // The good lines give the same figures with or without the noise around them.
    const figures = (s: typeof noisy) => ({
      tasksTotal: s.metrics.tasksTotal,
      tasksCompleted: s.metrics.tasksCompleted,
      tasksFailed: s.metrics.tasksFailed,
      levels: s.metrics.levelMetrics,
      workers: s.metrics.workerMetrics.map((w) => [w.workerId, w.tasksCompleted, w.tasksFailed, w.totalTaskDurationMs]),
      p95: s.metrics.p95DurationMs,
    });
    assert.equal(figures(noisy), figures(clean));

    // Quarantined: the undecodable lines (not unknown types, duplicates or impossible sequences).
    const quarantined = fs.readFileSync(rejectedPath(dir, FEATURE), 'utf8').trimEnd().split('\n').length;
    assert.is(quarantined, 1500 + 1000 + 1000 + 1000 + 1000 + 3);
    assert.ok(warnings.some((w) => /bad line/.test(w)));
  }),
);

Bad.run();
