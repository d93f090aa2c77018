import { merge } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { admittedInputs, FirstSource } from '../../src/pipeline/firstSource';
import type { SourceInput } from '../../src/sources/inputs';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const same = (input: SourceInput): SourceInput => input;
const torn: SourceInput = { kind: 'count', counter: 'tornTail' };
const logDone: SourceInput = { kind: 'caught_up', source: 'log' };
const stateDone: SourceInput = { kind: 'caught_up', source: 'state' };

const First = suite('FirstSource and admittedInputs');

First('when undecided, the first source to speak is read and the other is ignored from then on', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const arbiter = new FirstSource('undecided');
    const log = hot('---a---b-|', { a: [torn], b: [torn, logDone] });
    const state = hot('-s----t--|', { s: [torn], t: [torn, stateDone] });
    const admitted = merge(log.pipe(admittedInputs('log', same, arbiter)), state.pipe(admittedInputs('state', same, arbiter)));
    // The state file spoke first: the log's inputs are dropped, but its end-of-replay marker passes.
    expectObservable(admitted).toBe('-s-a--tb-|', { s: [torn], a: [], t: [torn, stateDone], b: [logDone] });
  });
});

First('a decided mode admits only its source, from the start', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const arbiter = new FirstSource('log');
    const state = hot('-s-|', { s: [torn, stateDone] });
    expectObservable(state.pipe(admittedInputs('state', same, arbiter))).toBe('-s-|', { s: [stateDone] });
  });
  const arbiter = new FirstSource('state');
  assert.not.ok(arbiter.admits('log'));
  assert.ok(arbiter.admits('state'));
});

First('items that are nothing to fold are dropped', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const items = cold('-x|', { x: ['skip', 'keep'] });
    const toInput = (item: string): SourceInput | null => (item === 'keep' ? torn : null);
    expectObservable(items.pipe(admittedInputs('log', toInput, new FirstSource('undecided')))).toBe('-x|', { x: [torn] });
  });
});

First.run();
