import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import type { FoldInput } from '../../src/sources/inputs';
import { flagFutureTimestamps } from '../../src/pipeline/flagFutureTimestamps';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const at = (ts: number): FoldInput => ({ kind: 'event', event: { type: 'worker_ready', ts, data: { workerId: 1 } } as LifecycleEvent });
const future: FoldInput = { kind: 'count', counter: 'futureTimestamps' };

const Future = suite('flagFutureTimestamps');

Future('counts an event stamped beyond the clock and the tolerance, and still passes it on', () => {
  const now = () => 10_000;
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('x|', { x: [at(9_000), at(10_900), at(11_500), at(9_500)] }).pipe(flagFutureTimestamps(now, 1000))).toBe('x|', {
      x: [at(9_000), at(10_900), future, at(11_500), at(9_500)],
    });
  });
});

Future('reads the clock only for events that look ahead of the last reading', () => {
  let reads = 0;
  const now = () => {
    reads += 1;
    return 100_000;
  };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('ab|', { a: [at(1), at(2)], b: [at(3)] }).pipe(flagFutureTimestamps(now, 1000))).toBe('ab|', { a: [at(1), at(2)], b: [at(3)] });
  });
  assert.is(reads, 1);
});

Future.run();
