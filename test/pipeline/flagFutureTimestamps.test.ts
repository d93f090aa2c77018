import * as fs from 'node:fs';
import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LifecycleEvent } from '../../src/events/codecs';
import { eventsPath, rejectedPath } from '../../src/state/layout';
import { replayLog } from '../helpers/processorRuns';
import { withTempDir } from '../helpers/tempDir';
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

Future('an event of the log stamped more than a day ahead is quarantined with its line, in any form', () =>
  withTempDir(async (dir) => {
    const now = Date.UTC(2026, 5, 1);
    const ahead = new Date(now + 3 * 86_400_000).toISOString();
    // Our writer's form (read in place), with and without producer+seq, and upstream's Python spacing.
    const lines = [
      `{"timestamp":"${ahead}","type":"worker_started","data":{"worker_id":1},"producer":"orch","seq":1}`,
      `{"timestamp":"${ahead}","type":"worker_started","data":{"worker_id":2}}`,
      `{"timestamp": "${ahead}", "type": "worker_started", "data": {"worker_id": 3}}`,
      `{"timestamp":"2026-06-01T00:00:00.000Z","type":"worker_started","data":{"worker_id":4},"producer":"orch","seq":2}`,
    ];
    fs.writeFileSync(eventsPath(dir, 'f'), `${lines.join('\n')}\n`);
    const processor = await replayLog(dir, { feature: 'f', now });
    assert.is(processor.snapshot().ingest.invalidLines.out_of_range, 3);
    const quarantined = fs
      .readFileSync(rejectedPath(dir, 'f'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; line: string | null });
    assert.equal(
      quarantined.map((q) => [q.reason, q.line]),
      lines.slice(0, 3).map((line) => ['out_of_range', line]),
    );
  }),
);

Future.run();
