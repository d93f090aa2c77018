import { defer, Observable, of, throwError } from 'rxjs';
import { tap } from 'rxjs/operators';
import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { persistThrottled, PersistOutcome } from '../../src/pipeline/persistThrottled';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const ok = (value: string): PersistOutcome<string> => ({ ok: true, value });
const failed = (value: string, error: unknown): PersistOutcome<string> => ({ ok: false, value, error });
const instantSave = (): Observable<void> => of(undefined);

const Policy = suite('persistThrottled');

Policy('keeps saving the latest value while values keep arriving (throttled, not debounced)', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('a-b-c-d-e-f-g-h-i-j|');
    const expected = '   -----c-----f-----i-----(j|)';
    expectObservable(values.pipe(persistThrottled(instantSave, { intervalMs: 5 }))).toBe(expected, {
      c: ok('c'),
      f: ok('f'),
      i: ok('i'),
      j: ok('j'),
    });
  });
});

Policy('writes at most once per interval under a continuous stream', () => {
  const writes: number[] = [];
  const ts = scheduler();
  ts.run(({ hot, expectObservable }) => {
    const values = hot(`${'a'.repeat(100)}|`);
    const saved = values.pipe(
      persistThrottled(instantSave, { intervalMs: 10 }),
      tap(() => writes.push(ts.now())),
    );
    expectObservable(saved).toBe(`10ms a 10ms a 10ms a 10ms a 10ms a 10ms a 10ms a 10ms a 10ms a 10ms (a|)`, { a: ok('a') });
  });
  assert.ok(writes.length >= 9, 'saves happened during the stream');
  for (let i = 1; i < writes.length; i++) assert.ok((writes[i] as number) - (writes[i - 1] as number) >= 10, `writes ${i - 1} and ${i} are an interval apart`);
});

Policy('writes a value selected as urgent at once (a completed level)', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('a-b-L-c|');
    const expected = '   ----L-----(c|)';
    expectObservable(values.pipe(persistThrottled(instantSave, { intervalMs: 10, immediately: (v) => v === 'L' }))).toBe(expected, {
      L: ok('L'),
      c: ok('c'),
    });
  });
});

Policy('a failed write is reported and later saves go on', () => {
  const error = new Error('ENOSPC');
  const save = (v: string): Observable<void> => (v === 'c' ? throwError(() => error) : of(undefined));
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('a-b-c-d-e-f-g-h-i-j|');
    const expected = '   -----c-----f-----i-----(j|)';
    expectObservable(values.pipe(persistThrottled(save, { intervalMs: 5 }))).toBe(expected, {
      c: failed('c', error),
      f: ok('f'),
      i: ok('i'),
      j: ok('j'),
    });
  });
});

Policy('retries a failed write when nothing newer comes to save', () => {
  const error = new Error('EIO');
  let attempts = 0;
  const save = (): Observable<void> => defer(() => (++attempts === 1 ? throwError(() => error) : of(undefined)));
  scheduler().run(({ hot, expectObservable }) => {
    const values = hot('a');
    expectObservable(values.pipe(persistThrottled(save, { intervalMs: 5 }))).toBe('-----x----y', { x: failed('a', error), y: ok('a') });
  });
  assert.is(attempts, 2);
});

Policy('runs one write at a time, in order', () => {
  let active = 0;
  let maxActive = 0;
  scheduler().run(({ hot, cold, expectObservable }) => {
    const save = (): Observable<unknown> =>
      defer(() => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        return cold('---(x|)').pipe(tap({ complete: () => (active -= 1) }));
      });
    const values = hot('LM');
    expectObservable(values.pipe(persistThrottled(save, { intervalMs: 100, immediately: () => true })), '^ 20ms !').toBe('---L--M', {
      L: ok('L'),
      M: ok('M'),
    });
  });
  assert.is(maxActive, 1);
});

Policy.run();
