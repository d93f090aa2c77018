import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom, Subject, toArray } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StateFileDiffer, StateSnapshotItem, stateSnapshots } from '../../src/sources/stateSnapshots';
import type { StateFile } from '../../src/state/codecs';
import { eventsFromState } from '../../src/state/stateEvents';
import { withTempDir } from '../helpers/tempDir';

const T0 = Date.UTC(2026, 0, 27, 8, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

/** An upstream-shaped state: run started, worker 1 ready, task A claimed (and optionally done). */
function stateAt(step: 'claimed' | 'complete'): StateFile {
  return {
    feature: 'f',
    started_at: iso(T0),
    current_level: 1,
    tasks: {
      'A-L1-001': {
        status: step === 'claimed' ? 'claimed' : 'complete',
        worker_id: 1,
        claimed_at: iso(T0 + 2000),
        ...(step === 'complete' ? { started_at: iso(T0 + 2100), completed_at: iso(T0 + 5100), duration_ms: 3000 } : {}),
      },
    },
    workers: { '1': { worker_id: 1, status: 'running', started_at: iso(T0 + 100), ready_at: iso(T0 + 900) } },
    levels: { '1': { status: 'running', started_at: iso(T0 + 1000) } },
    execution_log: [],
    metrics: null,
    paused: false,
    error: null,
  };
}

const writeState = (file: string, state: StateFile): void => {
  // Like an atomic writer: a new file renamed into place.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
};

const eventTypes = (items: readonly StateSnapshotItem[]): string[] => items.flatMap((i) => (i.kind === 'event' ? [i.event.type] : []));

const Differ = suite('StateFileDiffer');

Differ('derives the events of a snapshot, then only the new ones of a later snapshot', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'f.json');
    const differ = new StateFileDiffer(file);
    writeState(file, stateAt('claimed'));
    const first = differ.read();
    assert.equal(eventTypes(first), ['rush_started', 'task_created', 'worker_started', 'worker_ready', 'level_started', 'task_claimed']);
    assert.equal(first[first.length - 1], { kind: 'caught_up' });
    writeState(file, stateAt('complete'));
    const second = differ.read();
    assert.equal(eventTypes(second), ['task_started', 'task_complete']);
    const complete = second.find((i) => i.kind === 'event' && i.event.type === 'task_complete');
    assert.equal(complete?.kind === 'event' ? complete.event.data : null, { taskId: 'A-L1-001', workerId: 1, durationMs: 3000 });
  }),
);

Differ('an unchanged file yields nothing after the first read', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'f.json');
    writeState(file, stateAt('claimed'));
    const differ = new StateFileDiffer(file);
    differ.read();
    assert.equal(differ.read(), []);
  }),
);

Differ('a missing file is caught up with no events', () =>
  withTempDir((dir) => {
    const differ = new StateFileDiffer(path.join(dir, 'none.json'));
    assert.equal(differ.read(), [{ kind: 'caught_up' }]);
    assert.equal(differ.read(), []);
  }),
);

Differ('a snapshot that does not parse is reported once and skipped', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'f.json');
    fs.writeFileSync(file, '{"feature": "f", "tas');
    const differ = new StateFileDiffer(file);
    const first = differ.read();
    assert.equal(first.map((i) => i.kind), ['unreadable', 'caught_up']);
    assert.equal(differ.read(), []);
    writeState(file, stateAt('claimed'));
    assert.ok(eventTypes(differ.read()).includes('task_claimed'));
  }),
);

Differ('never writes to the directory', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'f.json');
    fs.writeFileSync(file, 'garbage');
    const before = fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeMs]);
    new StateFileDiffer(file).read();
    const after = fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mtimeMs]);
    assert.equal(after, before);
  }),
);

Differ('a reader that reads once sends every event the file implies, as the batch collector folds them (it keeps no record to tell them apart)', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'f.json');
    const state = stateAt('complete');
    // Two worker entries naming the same worker: the same start twice, which a follower sends once.
    state.workers = { ...state.workers, one: { worker_id: 1, status: 'running', started_at: iso(T0 + 100) } };
    writeState(file, state);
    const once = new StateFileDiffer(file, {}, undefined, false).read().flatMap((i) => (i.kind === 'event' ? [i.event] : []));
    assert.equal(once, eventsFromState(state).events);
    assert.is(eventTypes(new StateFileDiffer(file).read()).filter((t) => t === 'worker_started').length, 1);
    assert.is(once.filter((e) => e.type === 'worker_started').length, 2);
  }),
);

Differ.run();

const Source = suite('stateSnapshots');

Source('follow: false reads the file once and completes', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'f.json');
    writeState(file, stateAt('complete'));
    const items = await firstValueFrom(stateSnapshots(file, { follow: false }).pipe(toArray()));
    assert.equal(eventTypes(items), ['rush_started', 'task_created', 'worker_started', 'worker_ready', 'level_started', 'task_claimed', 'task_started', 'task_complete']);
  }),
);

Source('follows snapshots replaced by rename, emitting each fact once, until stopped', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'f.json');
    writeState(file, stateAt('claimed'));
    const stop$ = new Subject<void>();
    const items: StateSnapshotItem[] = [];
    const done = new Promise<void>((resolve) => {
      stateSnapshots(file, { pollIntervalMs: 20, stop: stop$ }).subscribe({
        next: (item) => {
          items.push(item);
          if (item.kind === 'caught_up' && items.filter((i) => i.kind === 'caught_up').length === 1) writeState(file, stateAt('complete'));
          if (item.kind === 'event' && item.event.type === 'task_complete') stop$.next();
        },
        complete: resolve,
      });
    });
    await done;
    const types = eventTypes(items);
    assert.equal(types.filter((t) => t === 'task_claimed').length, 1);
    assert.equal(types.slice(-2), ['task_started', 'task_complete']);
  }),
);

Source.run();
