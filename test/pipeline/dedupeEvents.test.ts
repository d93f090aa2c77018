import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import type { DecodedInput } from '../../src/pipeline/decodeInputs';
import { dedupeEvents } from '../../src/pipeline/dedupeEvents';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));

const claimed = (taskId: string, extra: Partial<LifecycleEvent> = {}): LifecycleEvent =>
  ({ type: 'task_claimed', ts: 1000, data: { taskId, workerId: 1 }, ...extra }) as LifecycleEvent;
const fromLog = (event: LifecycleEvent, offset: number, line = JSON.stringify(event)): DecodedInput => ({ kind: 'event', event, offset, line });
const dup = (offset?: number): DecodedInput => (offset === undefined ? { kind: 'count', counter: 'duplicateEvents' } : { kind: 'count', counter: 'duplicateEvents', offset });

const Dedupe = suite('dedupeEvents');

Dedupe('drops an event whose producer+seq was seen, keeping its position as a duplicate count', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const b = fromLog(claimed('B', { producer: 'p', seq: 2 }), 20);
  const aAgain = fromLog(claimed('A', { producer: 'p', seq: 1 }), 30);
  const c = fromLog(claimed('C', { producer: 'p', seq: 3 }), 40);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abxc|', { a, b, x: aAgain, c }).pipe(dedupeEvents())).toBe('abxc|', { a, b, x: dup(30), c });
  });
});

Dedupe('tracks each producer separately', () => {
  const p1 = fromLog(claimed('A', { producer: 'p', seq: 5 }), 10);
  const q1 = fromLog(claimed('B', { producer: 'q', seq: 1 }), 20);
  const q2 = fromLog(claimed('C', { producer: 'q', seq: 2 }), 30);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abc|', { a: p1, b: q1, c: q2 }).pipe(dedupeEvents())).toBe('abc|', { a: p1, b: q1, c: q2 });
  });
});

Dedupe('an event from the in-process emitter already read from the log counts once', () => {
  const logged = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  const emitted: DecodedInput = { kind: 'event', event: claimed('A', { producer: 'p', seq: 1 }), offset: 10 };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('ab|', { a: logged, b: emitted }).pipe(dedupeEvents())).toBe('ab|', { a: logged, b: dup(10) });
  });
});

Dedupe('the high-water mark seeded from a checkpoint drops what was folded before a restart', () => {
  const old = fromLog(claimed('A', { producer: 'p', seq: 7 }), 10);
  const fresh = fromLog(claimed('B', { producer: 'p', seq: 8 }), 20);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('ab|', { a: old, b: fresh }).pipe(dedupeEvents({ seqHwm: { p: 7 } }))).toBe('ab|', { a: dup(10), b: fresh });
  });
});

Dedupe('without producer+seq, the same line seen again within the window counts once', () => {
  const a = fromLog(claimed('A'), 10);
  const b = fromLog(claimed('B'), 20);
  const aAgain = fromLog(claimed('A'), 30);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abx|', { a, b, x: aAgain }).pipe(dedupeEvents())).toBe('abx|', { a, b, x: dup(30) });
  });
});

Dedupe('a line older than the window is not recognised (the window is bounded)', () => {
  const a = fromLog(claimed('A'), 10);
  const b = fromLog(claimed('B'), 20);
  const c = fromLog(claimed('C'), 30);
  const aAgain = fromLog(claimed('A'), 40);
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abcx|', { a, b, c, x: aAgain }).pipe(dedupeEvents({ windowSize: 2 }))).toBe('abcx|', { a, b, c, x: aAgain });
  });
});

Dedupe('events without producer+seq and without a line pass (state snapshots are diffed at the source)', () => {
  const e: DecodedInput = { kind: 'event', event: claimed('A') };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('aa|', { a: e }).pipe(dedupeEvents())).toBe('aa|', { a: e });
  });
});

Dedupe('each subscription has its own memory', () => {
  const a = fromLog(claimed('A', { producer: 'p', seq: 1 }), 10);
  scheduler().run(({ cold, expectObservable }) => {
    const deduped = cold('a|', { a }).pipe(dedupeEvents());
    expectObservable(deduped).toBe('a|', { a });
    expectObservable(deduped).toBe('a|', { a });
  });
});

Dedupe('other inputs pass untouched', () => {
  const rejected: DecodedInput = { kind: 'rejected', reason: 'invalid_json', detail: 'x', line: 'x', offset: 5 };
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('rr|', { r: rejected }).pipe(dedupeEvents())).toBe('rr|', { r: rejected });
  });
});

Dedupe.run();
