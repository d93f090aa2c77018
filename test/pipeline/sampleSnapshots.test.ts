import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sampleSnapshots } from '../../src/pipeline/sampleSnapshots';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));

const Sample = suite('sampleSnapshots');

Sample('makes a snapshot at once, then at most one per interval, and the last one after the end', () => {
  let made = 0;
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('abcdefghij|');
    const snapshots = values.pipe(
      sampleSnapshots(4, (v: string) => {
        made += 1;
        return v.toUpperCase();
      }),
    );
    expectObservable(snapshots).toBe('a---e---i---(j|)', { a: 'A', e: 'E', i: 'I', j: 'J' });
  });
  assert.is(made, 4, 'one snapshot per emission, not per value');
});

Sample.run();

const Cost = suite('sampleSnapshots: costly snapshots');

Cost('waits four times as long as the last snapshot took before the next, from its end', () => {
  let made = 0;
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('abcdefghijklmnopqrst|');
    // Each snapshot costs 3 ms on this clock (read before and after it): the next waits 12, not 4.
    let t = 0;
    const clock = (): number => (t += 3);
    const snapshots = values.pipe(
      sampleSnapshots(
        4,
        (v: string) => {
          made += 1;
          return v.toUpperCase();
        },
        undefined,
        clock,
      ),
    );
    expectObservable(snapshots).toBe('a-----------m-----------(t|)', { a: 'A', m: 'M', t: 'T' });
  });
  assert.is(made, 3);
});

Cost.run();
