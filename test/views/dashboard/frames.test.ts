import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { interval, map, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { frameTicks } from '../../../src/views/dashboard/frames';

const frames = suite('frameTicks');

/** Frames as `x`: which input caused a frame does not matter, when it happens does. */
const ticks = (changes: Observable<unknown>) => frameTicks(changes, 200).pipe(map(() => 'x'));

const scheduler = () => new TestScheduler((actual, expected) => assert.equal(actual, expected));

frames('draws a lone change at once', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const changes = cold('a');
    expectObservable(ticks(changes), '^ 150ms !').toBe('x');
  });
});

frames('draws a burst of changes twice: its first and its last, one interval apart', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const changes = cold('a 9ms b 9ms c 9ms d');
    expectObservable(ticks(changes), '^ 300ms !').toBe('x 199ms x');
  });
});

frames('ticks every interval without changes, so the clock moves', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const changes = cold('');
    expectObservable(ticks(changes), '^ 700ms !').toBe('200ms x 199ms x 199ms x');
  });
});

frames('never draws more than once per interval however fast changes come', () => {
  scheduler().run(({ expectObservable }) => {
    // A change every 10 ms for 1 s (the first at 10 ms).
    const changes = interval(10).pipe(take(100));
    expectObservable(ticks(changes), '^ 1000ms !').toBe('10ms x 199ms x 199ms x 199ms x 199ms x');
  });
});

frames.run();
