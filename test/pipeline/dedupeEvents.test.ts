import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import type { FoldInput } from '../../src/sources/inputs';
import { dedupeEvents } from '../../src/pipeline/dedupeEvents';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
/** Marble values as one-input batches (the pipeline's unit). */
const batches = (values: Record<string, FoldInput>): Record<string, FoldInput[]> => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));

const claimed = (taskId: string, extra: Partial<LifecycleEvent> = {}): LifecycleEvent =>
  ({ type: 'task_claimed', ts: 1000, data: { taskId, workerId: 1 }, ...extra }) as LifecycleEvent;
const fromLog = (event: LifecycleEvent, offset: number, line = JSON.stringify(event)): FoldInput => ({ kind: 'event', event, offset, line });
const dup = (offset?: number): FoldInput => (offset === undefined ? { kind: 'count', counter: 'duplicateEvents' } : { kind: 'count', counter: 'duplicateEvents', offset });

const Dedupe = suite('dedupeEvents');

Dedupe('drops an event whose producer+seq was seen, keeping its position as a duplicate count', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const b = fromLog(claimed('B', { producer: 'p', seq: 2 }), 20);
  const aAgain = fromLog(claimed('A', { producer: 'p', seq: 1 }), 30);
  const c = fromLog(claimed('C', { producer: 'p', seq: 3 }), 40);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abxc|', batches({ a, b, x: aAgain, c })).pipe(dedupeEvents())).toBe('abxc|', batches({ a, b, x: dup(30), c }));
  });
});

Dedupe('tracks each producer separately', () => {
  const p1 = fromLog(claimed('A', { producer: 'p', seq: 5 }), 10);
  const q1 = fromLog(claimed('B', { producer: 'q', seq: 1 }), 20);
  const q2 = fromLog(claimed('C', { producer: 'q', seq: 2 }), 30);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abc|', batches({ a: p1, b: q1, c: q2 })).pipe(dedupeEvents())).toBe('abc|', batches({ a: p1, b: q1, c: q2 }));
  });
});

Dedupe('an event from the in-process emitter already read from the log counts once', () => {
  const logged = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const emitted: FoldInput = { kind: 'event', event: claimed('A', { producer: 'p', seq: 1 }), offset: 10 };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('ab|', batches({ a: logged, b: emitted })).pipe(dedupeEvents())).toBe('ab|', batches({ a: logged, b: dup(10) }));
  });
});

Dedupe('the seqs seeded from a checkpoint drop what was folded before a restart, and only that', () => {
  const old = fromLog(claimed('A', { producer: 'p', seq: 7 }), 10);
  const gap = fromLog(claimed('C', { producer: 'p', seq: 5 }), 15);
  const fresh = fromLog(claimed('B', { producer: 'p', seq: 8 }), 20);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abc|', batches({ a: old, b: gap, c: fresh })).pipe(dedupeEvents({ seen: { p: [[1, 4], [6, 7]] } }))).toBe(
      'abc|',
      batches({ a: dup(10), b: gap, c: fresh }),
    );
  });
});

Dedupe('a seq below the highest seen is new unless that very pair was seen (arrival order differs from seq order)', () => {
  const inputs = [3, 1, 2, 5, 4, 2, 1000, 6, 7, 1000].map((seq, i) => fromLog(claimed(`T${i}`, { producer: 'p', seq }), (i + 1) * 10));
  const expected = inputs.map((input, i) => ([5, 9].includes(i) ? dup((i + 1) * 10) : input));
  scheduler().run(({ cold, expectObservable }) => {
    const marbles = 'abcdefghij|';
    const values = (list: FoldInput[]): Record<string, FoldInput[]> => Object.fromEntries(list.map((x, i) => [marbles[i] as string, [x]]));
    expectObservable(cold(marbles, values(inputs)).pipe(dedupeEvents())).toBe(marbles, values(expected));
  });
});

Dedupe('producers are numbered apart: the same seq of another producer is new', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const b = fromLog(claimed('B', { producer: 'q', seq: 1 }), 20);
  const c = fromLog(claimed('C', { producer: 'p', seq: 1 }), 30);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abc|', batches({ a, b, c })).pipe(dedupeEvents())).toBe('abc|', batches({ a, b, c: dup(30) }));
  });
});

Dedupe('without producer+seq, the same line seen again within the window counts once', () => {
  const a = fromLog(claimed('A'), 10);
  const b = fromLog(claimed('B'), 20);
  const aAgain = fromLog(claimed('A'), 30);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abx|', batches({ a, b, x: aAgain })).pipe(dedupeEvents())).toBe('abx|', batches({ a, b, x: dup(30) }));
  });
});

Dedupe('a line older than the window is not recognised (the window is bounded)', () => {
  const a = fromLog(claimed('A'), 10);
  const b = fromLog(claimed('B'), 20);
  const c = fromLog(claimed('C'), 30);
  const aAgain = fromLog(claimed('A'), 40);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abcx|', batches({ a, b, c, x: aAgain })).pipe(dedupeEvents({ windowSize: 2 }))).toBe('abcx|', batches({ a, b, c, x: aAgain }));
  });
});

Dedupe('events without producer+seq and without a line pass (state snapshots are diffed at the source)', () => {
  const e: FoldInput = { kind: 'event', event: claimed('A') };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('aa|', batches({ a: e })).pipe(dedupeEvents())).toBe('aa|', batches({ a: e }));
  });
});

Dedupe('finds duplicates inside one batch too', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const aAgain = fromLog(claimed('A', { producer: 'p', seq: 1 }), 20);
  const b = fromLog(claimed('B'), 30);
  const bAgain = fromLog(claimed('B'), 40);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('x|', { x: [a, aAgain, b, bAgain] }).pipe(dedupeEvents())).toBe('x|', { x: [a, dup(20), b, dup(40)] });
  });
});

Dedupe('each subscription has its own memory', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  scheduler().run(({ cold, expectObservable }) => {
    const deduped = cold('a|', batches({ a })).pipe(dedupeEvents());
    expectObservable(deduped).toBe('a|', batches({ a }));
    expectObservable(deduped).toBe('a|', batches({ a }));
  });
});

Dedupe('other inputs pass untouched', () => {
  const rejected: FoldInput = { kind: 'rejected', reason: 'invalid_json', detail: 'x', line: 'x', offset: 5 };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('rr|', batches({ r: rejected })).pipe(dedupeEvents())).toBe('rr|', batches({ r: rejected }));
  });
});

Dedupe.run();
