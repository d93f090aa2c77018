import { firstValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { createRunState } from '../../src/metrics/runState';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import type { RunCursor } from '../../src/pipeline/accumulateMetrics';
import { FoldedEvents, metricStreams } from '../../src/pipeline/publicStreams';
import type { FoldInput } from '../../src/sources/inputs';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const cursor = (folded: number, batch: readonly FoldInput[] = []): RunCursor => ({ run: createRunState(`f${folded}`), batch, folded });
const events = generateRun(mulberry32(3), { workers: 1, tasksPerLevel: [1], producer: 'p' });
const eventInput = (event: LifecycleEvent): FoldInput => ({ kind: 'event', event });

const Streams = suite('metricStreams');

Streams('snapshots at once, then at most one per interval, made once and shared by every stream', () => {
  let made = 0;
  const snap = (n: number) => snapshotOf(createRunState(`f${n}`), 0);
  scheduler().run(({ hot, expectObservable }) => {
    const cursors = hot('abcdefg|', { a: cursor(1), b: cursor(2), c: cursor(3), d: cursor(4), e: cursor(5), f: cursor(6), g: cursor(7) });
    const streams = metricStreams(
      cursors,
      (c) => {
        made += 1;
        return snapshotOf(c.run, 0);
      },
      3,
    );
    expectObservable(streams.snapshot$).toBe('a--d--g|', { a: snap(1), d: snap(4), g: snap(7) });
    expectObservable(streams.feature$).toBe('a--d--g|', { a: snap(1).metrics, d: snap(4).metrics, g: snap(7).metrics });
    expectObservable(streams.tasks$).toBe('a--d--g|', { a: [], d: [], g: [] });
  });
  assert.is(made, 3, 'one snapshot per emission, not per cursor nor per stream');
});

Streams.run();

const Events = suite('FoldedEvents');

Events('passes on the events of each folded batch, in order; other inputs are not events', async () => {
  const folded = new FoldedEvents();
  const seen = firstValueFrom(folded.events$.pipe(toArray()));
  folded.publish(cursor(2, [eventInput(events[0] as LifecycleEvent), { kind: 'count', counter: 'tornTail' }, eventInput(events[1] as LifecycleEvent)]));
  folded.complete();
  assert.equal(await seen, [events[0], events[1]]);
});

Events('a late subscriber gets the latest event first', async () => {
  const folded = new FoldedEvents();
  folded.publish(cursor(2, [eventInput(events[0] as LifecycleEvent), eventInput(events[1] as LifecycleEvent)]));
  const seen = firstValueFrom(folded.events$.pipe(toArray()));
  folded.publish(cursor(3, [eventInput(events[2] as LifecycleEvent)]));
  folded.complete();
  assert.equal(await seen, [events[1], events[2]]);
});

Events.run();
