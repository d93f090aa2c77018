import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { holdUntil } from '../../src/pipeline/holdUntil';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));

const Hold = suite('holdUntil');

Hold('holds values until the gate opens, then sends them in order, then passes the rest', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const source = hot('ab------c-d|');
    const open = hot(' ---x');
    expectObservable(source.pipe(holdUntil(open))).toBe('---(ab)-c-d|');
  });
});

Hold('completes after releasing when the source ended before the gate opened', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const source = hot('a|');
    const open = hot(' ---x');
    expectObservable(source.pipe(holdUntil(open))).toBe('---(a|)');
  });
});

Hold('a gate that completes without a value opens too', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const source = hot('a----b|');
    const open = hot(' --|');
    expectObservable(source.pipe(holdUntil(open))).toBe('--a--b|');
  });
});

Hold.run();
