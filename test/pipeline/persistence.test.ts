import * as fs from 'node:fs';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRunState } from '../../src/metrics/runState';
import type { RunCursor } from '../../src/pipeline/accumulateMetrics';
import { persistRun } from '../../src/pipeline/persistence';
import type { EventInput } from '../../src/sources/inputs';
import { statePath } from '../../src/state/layout';
import { StateManager } from '../../src/state/stateManager';
import { fold } from '../helpers/events';
import { savedState } from '../helpers/processorRuns';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';
import { waitUntil } from '../helpers/waitUntil';

const FEATURE = 'f';
const NOW = Date.UTC(2026, 1, 1);
const events = generateRun(mulberry32(7), { workers: 1, tasksPerLevel: [1, 1], producer: 'p', feature: FEATURE });

/** The cursor after folding the first `n` events (the batch: the last of them). */
function cursorAfter(n: number): RunCursor {
  const inputs: EventInput[] = events.slice(0, n).map((event) => ({ kind: 'event', event }));
  return { run: fold(events.slice(0, n), createRunState(FEATURE)), batch: inputs.slice(-1), folded: n };
}

/** Persistence options; the throttled writes on a virtual clock that only `flush()` moves. */
const options = (dir: string, live = true, scheduler = new VirtualTimeScheduler()) => ({
  manager: new StateManager({ stateDir: dir, feature: FEATURE, now: () => NOW }),
  savedFolded: -1,
  now: () => NOW,
  intervalMs: 1000,
  live: () => live,
  warn: () => undefined,
  scheduler,
});

/** Counts the calls of `manager.save` (each one starts a write of the state file). */
function countSaves(manager: StateManager): () => number {
  let saves = 0;
  const save = manager.save.bind(manager);
  manager.save = () => {
    saves += 1;
    return save();
  };
  return () => saves;
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const levelDone = events.findIndex((e) => e.type === 'level_complete') + 1;
const levelOneComplete = (dir: string): boolean => savedState(dir, FEATURE).levels?.['1']?.status === 'complete';

const Persist = suite('persistRun');

Persist('flush writes the state with its metrics and the checkpoint; the same cursor again is not written twice', () =>
  withTempDir(async (dir) => {
    const cursors = new Subject<RunCursor>();
    const persistence = persistRun(cursors, options(dir));
    const cursor = cursorAfter(4);
    await persistence.flush(cursor);
    const state = savedState(dir, FEATURE);
    assert.ok((state.metrics as { checkpoint?: unknown }).checkpoint, 'checkpoint stored');
    fs.rmSync(statePath(dir, FEATURE));
    await persistence.flush(cursor);
    assert.not.ok(fs.existsSync(statePath(dir, FEATURE)), 'nothing folded since the last write: no write');
    await persistence.flush(cursorAfter(5));
    assert.ok(fs.existsSync(statePath(dir, FEATURE)), 'something new: written');
    persistence.stop();
  }),
);

Persist('a level completed in the live run is written at once; other cursors wait for the interval', () =>
  withTempDir(async (dir) => {
    const cursors = new Subject<RunCursor>();
    const persist = options(dir);
    const saves = countSaves(persist.manager);
    const persistence = persistRun(cursors, persist);
    cursors.next(cursorAfter(levelDone - 1));
    assert.is(saves(), 0, 'no level completed: no write started');
    await turns(5);
    assert.not.ok(fs.existsSync(statePath(dir, FEATURE)), 'no level completed: waits for the interval (which never passes here)');
    assert.is(saves(), 0, 'still no write started');
    cursors.next(cursorAfter(levelDone));
    assert.is(saves(), 1, 'a level completed: the write starts at once');
    await waitUntil('the immediate write', () => fs.existsSync(statePath(dir, FEATURE)));
    assert.ok(levelOneComplete(dir));
    persistence.stop();
  }),
);

Persist('a level completed while replaying old events waits for the throttled write', () =>
  withTempDir(async (dir) => {
    const scheduler = new VirtualTimeScheduler();
    const cursors = new Subject<RunCursor>();
    const persist = options(dir, false, scheduler);
    const saves = countSaves(persist.manager);
    const persistence = persistRun(cursors, persist);
    cursors.next(cursorAfter(levelDone));
    assert.is(saves(), 0, 'no write started at once');
    await turns(5);
    assert.not.ok(fs.existsSync(statePath(dir, FEATURE)), 'not at once');
    assert.is(saves(), 0, 'still no write started');
    scheduler.flush();
    assert.is(saves(), 1, 'the interval passed: the throttled write starts');
    await waitUntil('the throttled write', () => fs.existsSync(statePath(dir, FEATURE)));
    assert.ok(levelOneComplete(dir));
    persistence.stop();
  }),
);

Persist('without options nothing is written: the cursors are not even subscribed to, flush and stop do nothing', async () => {
  const cursors = new Subject<RunCursor>();
  const persistence = persistRun(cursors, null);
  assert.not.ok(cursors.observed, 'nothing listens to the cursors');
  cursors.next(cursorAfter(levelDone));
  assert.is(await persistence.flush(cursorAfter(3)), undefined);
  assert.is(await persistence.flush(null), undefined);
  persistence.stop();
  assert.not.ok(cursors.observed, 'still nothing listens to the cursors');
});

Persist.run();
