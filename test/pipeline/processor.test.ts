import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { eventLine } from '../../src/events/decode';
import { loadRun } from '../../src/pipeline/loadRun';
import { createMetricsProcessor, type MetricsProcessor, type MetricsProcessorOptions } from '../../src/pipeline/processor';
import { OrchestratorEvents } from '../../src/sources/inProcess';
import type { StateFile } from '../../src/state/codecs';
import { eventsPath, rejectedPath, statePath } from '../../src/state/layout';
import { replayLog, replayOptions, savedState } from '../helpers/processorRuns';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';
import { waitUntil } from '../helpers/waitUntil';

const NOW = Date.UTC(2026, 1, 1);
const FEATURE = 'f';

const run = (seed: number, producer: string | null = 'orch-1'): LifecycleEvent[] =>
  generateRun(mulberry32(seed), { workers: 3, tasksPerLevel: [4, 3, 2], producer, feature: FEATURE });

const options = (stateDir: string, extra: Omit<Partial<MetricsProcessorOptions>, 'now'> = {}): MetricsProcessorOptions => replayOptions(stateDir, { feature: FEATURE, now: NOW, ...extra });
const readState = (dir: string): StateFile => savedState(dir, FEATURE);
/** Runs a processor over what the log holds now, to its end. */
const replay = (dir: string, extra: Omit<Partial<MetricsProcessorOptions>, 'now'> = {}): Promise<MetricsProcessor> => replayLog(dir, { feature: FEATURE, now: NOW, ...extra });

const Processor = suite('createMetricsProcessor');

Processor('replays the events log and writes the state file with metrics, their source and a checkpoint', () =>
  withTempDir(async (dir) => {
    const events = run(1);
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(events));
    const processor = await replay(dir);
    const snapshot = processor.snapshot();
    assert.is(snapshot.status, 'complete');
    assert.is(snapshot.metrics.tasksCompleted, 9);
    const state = readState(dir);
    const metrics = state.metrics as Record<string, unknown>;
    assert.equal(metrics.source, {
      events_offset: fs.statSync(eventsPath(dir, FEATURE)).size,
      seq_hwm: { 'orch-1': events.length },
      seq_ranges: { 'orch-1': [[1, events.length]] },
    });
    assert.ok(metrics.checkpoint, 'checkpoint stored');
    assert.is(metrics.tasks_completed, 9);
    assert.is(Object.keys(state.tasks ?? {}).length, 9);
  }),
);

Processor('a restart folds only the events after the stored offset, and ends where a single run would', () =>
  withTempDir(async (dir) => {
    const events = run(2);
    const half = Math.floor(events.length / 2);
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(events.slice(0, half)));
    await replay(dir);
    fs.appendFileSync(eventsPath(dir, FEATURE), toJsonl(events.slice(half)));
    const second = createMetricsProcessor(options(dir));
    const seen = firstValueFrom(second.events$.pipe(toArray()));
    await second.ready;
    await second.close();
    assert.is((await seen).length, events.length - half, 'only the new events were folded');

    const reference = path.join(dir, 'ref');
    fs.mkdirSync(reference);
    fs.writeFileSync(eventsPath(reference, FEATURE), toJsonl(events));
    const single = await replay(reference);
    assert.equal(second.snapshot().metrics, single.snapshot().metrics);
    assert.equal(second.snapshot().ingest, single.snapshot().ingest);
  }),
);

Processor('a corrupt state file is set aside, counted, and the run rebuilt from the log', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(run(3)));
    fs.writeFileSync(statePath(dir, FEATURE), '{"feature": "f", "tasks": {');
    const warnings: string[] = [];
    const processor = await replay(dir, { onWarning: (m) => warnings.push(m) });
    assert.is(processor.snapshot().ingest.stateRecoveries, 1);
    assert.is(processor.snapshot().metrics.tasksCompleted, 9);
    assert.ok(fs.readdirSync(dir).some((n) => n.startsWith('f.json.corrupt-')), 'kept aside');
    assert.ok(warnings.some((w) => /unreadable/.test(w)));
    assert.is((readState(dir).metrics as Record<string, unknown>).tasks_completed, 9);
  }),
);

Processor('bad lines are counted, quarantined with their reason, and do not stop the run', () =>
  withTempDir(async (dir) => {
    const lines = toJsonl(run(4)).split('\n');
    lines.splice(3, 0, 'not json', '{"timestamp":"2026-01-27T08:00:00Z","type":"teleported"}', '{"timestamp":"2026-01-27T08:00:00Z","type":"task_claimed","data":{}}');
    fs.writeFileSync(eventsPath(dir, FEATURE), lines.join('\n'));
    const processor = await replay(dir);
    const ingest = processor.snapshot().ingest;
    assert.equal(ingest.invalidLines, { invalid_json: 1, bad_data: 1 });
    assert.is(ingest.unknownEvents, 1);
    assert.is(processor.snapshot().metrics.tasksCompleted, 9);
    const quarantined = fs
      .readFileSync(rejectedPath(dir, FEATURE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; line: string });
    assert.equal(
      quarantined.map((q) => [q.reason, q.line]),
      [
        ['invalid_json', 'not json'],
        ['bad_data', '{"timestamp":"2026-01-27T08:00:00Z","type":"task_claimed","data":{}}'],
      ],
    );
  }),
);

Processor('a restart that replays bad lines it had quarantined before it stopped writes each of them once', () =>
  withTempDir(async (dir) => {
    const lines = toJsonl(run(4)).trimEnd().split('\n');
    const half = Math.floor(lines.length / 2);
    const first = [...lines.slice(0, half), 'bad one'];
    const second = [...lines.slice(half), 'bad two', '{"truncated":'];
    fs.writeFileSync(eventsPath(dir, FEATURE), `${first.join('\n')}\n`);
    await replay(dir);
    const savedEarly = fs.readFileSync(statePath(dir, FEATURE));
    fs.appendFileSync(eventsPath(dir, FEATURE), `${second.join('\n')}\n`);
    await replay(dir);
    // Killed after quarantining the second half's bad lines, before saving: the state is the earlier one.
    fs.writeFileSync(statePath(dir, FEATURE), savedEarly);
    const restarted = await replay(dir);
    const quarantined = fs
      .readFileSync(rejectedPath(dir, FEATURE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { line: string }).line);
    assert.equal(quarantined, ['bad one', 'bad two', '{"truncated":']);
    assert.equal(restarted.snapshot().ingest.invalidLines, { invalid_json: 3 });
    assert.is(restarted.snapshot().metrics.tasksCompleted, 9);
  }),
);

Processor('with the in-process emitter: replays the log first, then folds emitted events, each counted once', () =>
  withTempDir(async (dir) => {
    const events = run(5);
    const logged = 20;
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(events.slice(0, logged)));
    const emitter = new OrchestratorEvents();
    const processor = createMetricsProcessor(options(dir, { sources: { inProcess: emitter, eventsLog: { follow: false } } }));
    // Emitted before the replay ended: held, then deduped against the log by producer+seq.
    for (const e of events.slice(logged - 5, logged)) emitter.emit(e);
    await processor.ready;
    let offset = fs.statSync(eventsPath(dir, FEATURE)).size;
    for (const e of events.slice(logged)) {
      offset += Buffer.byteLength(eventLine(e));
      emitter.emit(e, offset);
    }
    emitter.complete();
    await processor.close();
    const snapshot = processor.snapshot();
    assert.is(snapshot.ingest.duplicateEvents, 5);
    assert.is(snapshot.metrics.tasksCompleted, 9);
    assert.is(snapshot.metrics.source?.eventsOffset, offset);
  }),
);

Processor('writes at once when a level completes', () =>
  withTempDir(async (dir) => {
    const events = run(6);
    const firstLevelDone = events.findIndex((e) => e.type === 'level_complete');
    const emitter = new OrchestratorEvents();
    const processor = createMetricsProcessor(options(dir, { sources: { inProcess: emitter }, persistIntervalMs: 60_000 }));
    await processor.ready;
    for (const e of events.slice(0, firstLevelDone + 1)) emitter.emit(e);
    // The throttled write is a minute away; the level's write is not.
    await waitUntil('the state file', () => fs.existsSync(statePath(dir, FEATURE)));
    const state = readState(dir);
    assert.is(state.levels?.['1']?.status, 'complete');
    await processor.close();
  }),
);

Processor('late subscribers get the latest value, also after the end', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(run(7)));
    const processor = await replay(dir);
    const feature = await firstValueFrom(processor.feature$);
    const workers = await firstValueFrom(processor.workers$);
    const last = await firstValueFrom(processor.events$);
    assert.is(feature.tasksCompleted, 9);
    assert.equal(workers.map((w) => w.workerId), [0, 1, 2]);
    assert.is(last.type, 'rush_completed');
  }),
);

Processor('flush writes the current state now', () =>
  withTempDir(async (dir) => {
    const emitter = new OrchestratorEvents();
    const processor = createMetricsProcessor(options(dir, { sources: { inProcess: emitter }, persistIntervalMs: 60_000 }));
    await processor.ready;
    const first = run(8).slice(0, 10);
    for (const e of first) emitter.emit(e);
    await processor.flush();
    const started = first.filter((e) => e.type === 'worker_started').length;
    assert.ok(started > 0);
    assert.is(Object.keys(readState(dir).workers ?? {}).length, started);
    await processor.close();
  }),
);

Processor('without persist, nothing is written to the state dir', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, FEATURE), `${toJsonl(run(9))}garbage\n`);
    const before = fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeMs]);
    const processor = await replay(dir, { persist: false });
    assert.is(processor.snapshot().metrics.tasksCompleted, 9);
    const after = fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeMs]);
    assert.equal(after, before);
  }),
);

Processor('reads an upstream state file through the events it implies', () =>
  withTempDir(async (dir) => {
    const iso = (s: number) => new Date(NOW - 60_000 + s * 1000).toISOString();
    const state: StateFile = {
      feature: FEATURE,
      started_at: iso(0),
      current_level: 1,
      tasks: {
        'X-L1-001': { status: 'complete', worker_id: 1, claimed_at: iso(2), started_at: iso(2), completed_at: iso(12), duration_ms: 10_000 },
        'X-L1-002': { status: 'in_progress', worker_id: 2, claimed_at: iso(3), started_at: iso(4) },
      },
      workers: { '1': { worker_id: 1, status: 'running', started_at: iso(0), ready_at: iso(1) }, '2': { worker_id: 2, status: 'running', started_at: iso(0), ready_at: iso(2) } },
      levels: { '1': { status: 'running', started_at: iso(1) } },
    };
    fs.writeFileSync(statePath(dir, FEATURE), JSON.stringify(state));
    const processor = await replay(dir, { persist: false, sources: { stateFile: true } });
    const metrics = processor.snapshot().metrics;
    assert.is(metrics.tasksCompleted, 1);
    assert.equal(metrics.levelMetrics.map((l) => [l.level, l.taskCount]), [[1, 2]]);
    assert.equal(metrics.workerMetrics.map((w) => w.initializationMs), [1000, 2000]);
  }),
);

Processor('asked for both the log and the state file, uses the log when there is one (never both)', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(run(10)));
    await replay(dir);
    const both = await replay(dir, { persist: false, sources: { eventsLog: { follow: true }, stateFile: true }, pollIntervalMs: 20 });
    assert.is(both.snapshot().metrics.tasksCompleted, 9);
    assert.is(both.snapshot().metrics.workersUsed, 3);
  }),
);

Processor('asked for both, folds an upstream state (tasks, no checkpoint) rather than the few events its log holds — as status does', () =>
  withTempDir(async (dir) => {
    const iso = (s: number) => new Date(Date.UTC(2026, 0, 27, 8, 0, s)).toISOString();
    const state = {
      feature: FEATURE,
      started_at: iso(0),
      tasks: {
        'X-L1-001': { status: 'complete', worker_id: 1, claimed_at: iso(2), started_at: iso(2), completed_at: iso(12), duration_ms: 10_000 },
        'X-L1-002': { status: 'complete', worker_id: 2, claimed_at: iso(3), started_at: iso(4), completed_at: iso(9), duration_ms: 5_000 },
      },
      workers: { '1': { worker_id: 1, status: 'running', started_at: iso(0) }, '2': { worker_id: 2, status: 'running', started_at: iso(0) } },
    };
    fs.writeFileSync(statePath(dir, FEATURE), JSON.stringify(state));
    // Upstream's log: only a task start, no worker or level events.
    fs.writeFileSync(eventsPath(dir, FEATURE), `{"timestamp":"${iso(2)}","type":"task_started","data":{"task_id":"X-L1-001","worker_id":1}}\n`);
    const sources = { eventsLog: { follow: true }, stateFile: true };
    const watched = await replay(dir, { persist: false, sources, pollIntervalMs: 20 });
    const loaded = await loadRun({ feature: FEATURE, stateDir: dir, now: NOW });
    assert.ok(E.isRight(loaded));
    for (const metrics of [watched.snapshot().metrics, E.isRight(loaded) ? loaded.right.snapshot.metrics : null]) {
      assert.is(metrics?.tasksCompleted, 2);
      assert.is(metrics?.workersUsed, 2);
    }
  }),
);

Processor('loadRun keeps the first warnings and counts the rest', () =>
  withTempDir(async (dir) => {
    const lines = toJsonl(run(4)).trimEnd().split('\n');
    fs.writeFileSync(eventsPath(dir, FEATURE), `${[...lines, ...Array.from({ length: 25 }, (_, i) => `bad ${i}`)].join('\n')}\n`);
    const loaded = await loadRun({ feature: FEATURE, stateDir: dir, now: NOW });
    assert.ok(E.isRight(loaded));
    if (E.isLeft(loaded)) return;
    assert.is(loaded.right.warnings.length, 10);
    assert.is(loaded.right.moreWarnings, 15);
    assert.equal(loaded.right.snapshot.ingest.invalidLines, { invalid_json: 25 });
  }),
);

Processor('persisting and reading the state file as a source exclude each other', () => {
  assert.throws(() => createMetricsProcessor({ feature: FEATURE, stateDir: '.', persist: true, sources: { stateFile: true } }), /exclude/);
});

Processor('a reading processor on a missing directory rejects ready, saying so', () =>
  withTempDir(async (dir) => {
    const processor = createMetricsProcessor({ feature: FEATURE, stateDir: path.join(dir, 'nope'), sources: { eventsLog: { follow: false } }, onWarning: () => undefined });
    const error = await processor.ready.then(
      () => null,
      (err: unknown) => err,
    );
    assert.instance(error, Error);
    assert.match((error as Error).message, /no state directory at .*nope/);
    await processor.close();
  }),
);

Processor('a reading processor on an unknown feature rejects ready, naming the features found', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(eventsPath(dir, 'alpha'), toJsonl(run(5)));
    fs.writeFileSync(eventsPath(dir, 'beta'), toJsonl(run(6)));
    const processor = createMetricsProcessor({ feature: 'gamma', stateDir: dir, sources: { eventsLog: { follow: true } }, onWarning: () => undefined });
    const error = await processor.ready.then(
      () => null,
      (err: unknown) => err,
    );
    assert.instance(error, Error);
    assert.match((error as Error).message, /unknown feature "gamma"/);
    assert.match((error as Error).message, /alpha/);
    assert.match((error as Error).message, /beta/);
    await processor.close();
  }),
);

Processor('events$ starts after the checkpoint by default, and replays the whole run with replay: true', () =>
  withTempDir(async (dir) => {
    const events = run(7);
    fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(events));
    await replay(dir); // as `rush` leaves it: a state file whose checkpoint covers the whole log
    const seenWith = async (replayAll: boolean): Promise<number> => {
      const reader = createMetricsProcessor({ feature: FEATURE, stateDir: dir, sources: { eventsLog: { follow: false } }, replay: replayAll, now: () => NOW, onWarning: () => undefined });
      const seen = firstValueFrom(reader.events$.pipe(toArray()));
      await reader.ready;
      assert.is(reader.snapshot().metrics.tasksCompleted, 9, 'the same figures either way');
      await reader.close();
      return (await seen).length;
    };
    assert.is(await seenWith(false), 0);
    assert.is(await seenWith(true), events.length);
  }),
);

Processor('reads upstream’s lines (no producer, Python separators, +00:00 microsecond stamps) as ours, a line seen twice counted once', () =>
  withTempDir(async (dir) => {
    const events = run(7, null);
    const ours = path.join(dir, 'ours');
    const upstream = path.join(dir, 'upstream');
    fs.mkdirSync(ours);
    fs.mkdirSync(upstream);
    fs.writeFileSync(eventsPath(ours, FEATURE), toJsonl(events));
    const python = events.map((e) => {
      const { timestamp, type, feature, data } = JSON.parse(eventLine(e)) as Record<string, string>;
      const line = JSON.stringify({ timestamp: timestamp?.replace(/Z$/, '000+00:00'), type, feature, data });
      return `${line.replace(/,"/g, ', "').replace(/":/g, '": ')}\n`;
    });
    // Three lines written twice, as a writer retrying its append does.
    fs.writeFileSync(eventsPath(upstream, FEATURE), [...python.slice(0, 10), ...python.slice(7, 10), ...python.slice(10)].join(''));
    const a = await replayLog(ours, { feature: FEATURE, now: NOW });
    const b = await replayLog(upstream, { feature: FEATURE, now: NOW });
    assert.is(b.snapshot().ingest.duplicateEvents, 3);
    assert.equal(b.snapshot().ingest.invalidLines, {});
    assert.equal(b.snapshot().metrics.tasksCompleted, a.snapshot().metrics.tasksCompleted);
    assert.equal(b.snapshot().metrics.workerMetrics, a.snapshot().metrics.workerMetrics);
  }),
);

Processor.run();
