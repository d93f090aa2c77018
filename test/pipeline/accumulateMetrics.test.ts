import { firstValueFrom, from, last, toArray } from 'rxjs';
import { map } from 'rxjs/operators';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { createRunState } from '../../src/metrics/runState';
import { accumulateMetrics, foldBatch, foldInput } from '../../src/pipeline/accumulateMetrics';
import type { FoldInput } from '../../src/sources/inputs';

const ready = (workerId: number, ts: number): LifecycleEvent => ({ type: 'worker_ready', ts, data: { workerId } });
const started = (workerId: number, ts: number): LifecycleEvent => ({ type: 'worker_started', ts, data: { workerId } });

const Accumulate = suite('accumulateMetrics');

Accumulate('emits the initial state first, then the state after each batch', async () => {
  const batches: FoldInput[][] = [
    [{ kind: 'event', event: started(1, 1000), offset: 10 }],
    [
      { kind: 'event', event: ready(1, 1500), offset: 20 },
      { kind: 'count', counter: 'tornTail' },
    ],
  ];
  const folded = await firstValueFrom(from(batches).pipe(accumulateMetrics(() => createRunState('f')), map((c) => c.folded), toArray()));
  assert.equal(folded, [0, 1, 3]);
  const cursor = await firstValueFrom(from(batches).pipe(accumulateMetrics(() => createRunState('f')), last()));
  assert.is(cursor.run.workers.get(1)?.readyAt, 1500);
  assert.is(cursor.run.eventsOffset, 20);
  assert.equal(cursor.batch, batches[1]);
});

Accumulate('creates a new state per subscription (no shared accumulator)', async () => {
  const inputs: FoldInput[][] = [[{ kind: 'event', event: started(1, 1000) }]];
  const folded = from(inputs).pipe(accumulateMetrics(() => createRunState('f')), last());
  const a = await firstValueFrom(folded);
  const b = await firstValueFrom(folded);
  assert.is.not(a.run, b.run);
  assert.is(a.run.workers.size, 1);
  assert.is(b.run.workers.size, 1);
});

const Fold = suite('foldInput');

Fold('a rejected or duplicate line moves the position, so a restart does not count it again', () => {
  let run = createRunState('f');
  run = foldInput(run, { kind: 'rejected', reason: 'invalid_json', detail: 'x', line: 'x', offset: 50 });
  assert.is(run.eventsOffset, 50);
  run = foldInput(run, { kind: 'count', counter: 'duplicateEvents', offset: 80 });
  assert.is(run.eventsOffset, 80);
  assert.equal(run.ingest.invalidLines, { invalid_json: 1 });
  assert.is(run.ingest.duplicateEvents, 1);
});

Fold('a log reset counts a truncation and restarts the position at 0', () => {
  const cursor = { run: createRunState('f'), batch: [], folded: 0 };
  foldBatch(cursor, [{ kind: 'event', event: started(1, 1000), offset: 500 }, { kind: 'reset', cause: 'truncated' }]);
  assert.is(cursor.run.eventsOffset, 0);
  assert.is(cursor.run.ingest.logTruncations, 1);
  foldBatch(cursor, [{ kind: 'event', event: ready(1, 1200), offset: 40 }]);
  assert.is(cursor.run.eventsOffset, 40);
  assert.is(cursor.folded, 3);
});

Accumulate.run();
Fold.run();
