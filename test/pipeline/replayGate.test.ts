import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayGate, throughReplayGate } from '../../src/pipeline/replayGate';
import type { SourceInput } from '../../src/sources/inputs';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.equal(actual, expected));
const line = (n: number): SourceInput => ({ kind: 'line', line: `line ${n}`, offset: n });
const caughtUp = (source: 'log' | 'state' | 'broker'): SourceInput => ({ kind: 'caught_up', source });

const Gate = suite('ReplayGate');

Gate('takes the markers out of the batches, drops batches left empty, and opens when every replay has caught up', () => {
  scheduler().run(({ hot, expectObservable }) => {
    const gate = new ReplayGate(2);
    const batches = hot('a-b-c-d|', {
      a: [line(1)],
      b: [line(2), caughtUp('log')],
      c: [caughtUp('log')], // a second marker of the same source counts once
      d: [caughtUp('broker'), line(3)],
    });
    expectObservable(batches.pipe(throughReplayGate(gate))).toBe('a-b---d|', { a: [line(1)], b: [line(2)], d: [line(3)] });
    expectObservable(gate.logReplayed$).toBe('--l', { l: undefined });
    expectObservable(gate.replayed$).toBe('------(r|)', { r: undefined });
  });
});

Gate('ready resolves once open, and the run is live from then on', async () => {
  const gate = new ReplayGate(1);
  gate.takeMarkers([caughtUp('state')]);
  await gate.ready;
  assert.ok(gate.live);
});

Gate('with nothing to replay it opens at once; a failure before that is what ready says', async () => {
  const open = new ReplayGate(0);
  open.openIfNothingToReplay();
  await open.ready;
  const failed = new ReplayGate(0);
  failed.fail(new Error('no run of f'));
  failed.openIfNothingToReplay();
  await failed.ready.then(
    () => assert.unreachable('ready resolved'),
    (err: unknown) => assert.is((err as Error).message, 'no run of f'),
  );
  assert.not.ok(failed.live);
});

Gate('a batch without markers goes on as it is (no copy)', () => {
  const gate = new ReplayGate(1);
  const batch = [line(1), line(2)];
  assert.is(gate.takeMarkers(batch), batch);
});

Gate.run();
