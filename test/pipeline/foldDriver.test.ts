import { firstValueFrom, Subject, throwError, toArray } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRunState } from '../../src/metrics/runState';
import type { RunCursor } from '../../src/pipeline/accumulateMetrics';
import { driveFold } from '../../src/pipeline/foldDriver';
import { FoldedEvents } from '../../src/pipeline/publicStreams';
import { ReplayGate } from '../../src/pipeline/replayGate';

const cursor = (folded: number): RunCursor => ({ run: createRunState('f'), batch: [], folded });
const rejection = (p: Promise<unknown>): Promise<unknown> => p.then(() => assert.unreachable('resolved'), (err: unknown) => err);

const Driver = suite('driveFold');

Driver('keeps the latest cursor; when the fold ends, the events end and the gate opens', async () => {
  const cursors = new Subject<RunCursor>();
  const gate = new ReplayGate(1);
  const events = new FoldedEvents();
  const ended = firstValueFrom(events.events$.pipe(toArray()));
  const driver = driveFold(cursors, { gate, events, warner: { warn: () => undefined }, sourceFailure: () => null });
  assert.is(driver.latest(), null);
  cursors.next(cursor(1));
  cursors.next(cursor(2));
  assert.is(driver.latest()?.folded, 2);
  cursors.complete();
  await driver.done;
  await gate.ready;
  assert.equal(await ended, []);
});

Driver('a source that failed is what ready says, though the fold ended', async () => {
  const cursors = new Subject<RunCursor>();
  const gate = new ReplayGate(1);
  const failure = new Error('EACCES');
  driveFold(cursors, { gate, events: new FoldedEvents(), warner: { warn: () => undefined }, sourceFailure: () => failure });
  cursors.complete();
  assert.is(await rejection(gate.ready), failure);
});

Driver('an error in the fold is a bug: said with its stack, and it ends the events and ready', async () => {
  const said: string[] = [];
  const gate = new ReplayGate(1);
  const events = new FoldedEvents();
  const eventsEnd = rejection(firstValueFrom(events.events$));
  const driver = driveFold(throwError(() => new Error('boom')), { gate, events, warner: { warn: (m) => said.push(m) }, sourceFailure: () => null });
  await driver.done;
  assert.is(((await rejection(gate.ready)) as Error).message, 'boom');
  assert.is(((await eventsEnd) as Error).message, 'boom');
  assert.match(said.join('\n'), /internal error in the metrics pipeline: Error: boom\n\s+at /);
});

Driver.run();
