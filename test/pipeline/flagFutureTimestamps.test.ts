import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import type { DecodedInput } from '../../src/pipeline/decodeInputs';
import { flagFutureTimestamps } from '../../src/pipeline/flagFutureTimestamps';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const at = (ts: number): DecodedInput => ({ kind: 'event', event: { type: 'worker_ready', ts, data: { workerId: 1 } } as LifecycleEvent });
const future: DecodedInput = { kind: 'count', counter: 'futureTimestamps' };

const Future = suite('flagFutureTimestamps');

Future('counts an event stamped beyond the clock and the tolerance, and still passes it on', () => {
  const now = () => 10_000;
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abc---|', { a: at(9_000), b: at(10_900), c: at(11_500) }).pipe(flagFutureTimestamps(now, 1000))).toBe('ab(fc)|', {
      a: at(9_000),
      b: at(10_900),
      f: future,
      c: at(11_500),
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
    expectObservable(cold('abc|', { a: at(1), b: at(2), c: at(3) }).pipe(flagFutureTimestamps(now, 1000))).toBe('abc|', { a: at(1), b: at(2), c: at(3) });
  });
  assert.is(reads, 1);
});

Future.run();
