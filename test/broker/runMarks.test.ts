import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runIsOver, runToJoin, type RunMarks } from '../../src/broker/runMarks';

const marks = (run: string | null, end: string | null): RunMarks => ({ run, end });

const join = suite('runToJoin');

join('joins a run started and not ended, nothing else', () => {
  const cases: [RunMarks, string | null][] = [
    [marks(null, null), null],
    [marks('a', null), 'a'],
    [marks('a', 'a'), null],
    // The previous run ended, this one has not.
    [marks('b', 'a'), 'b'],
    [marks(null, 'a'), null],
  ];
  for (const [m, want] of cases) assert.is(runToJoin(m), want, JSON.stringify(m));
});

const over = suite('runIsOver');

over('the run joined is over when it ended or another run took its place', () => {
  const cases: [RunMarks, boolean][] = [
    [marks('a', null), false],
    [marks('a', 'z'), false],
    [marks('a', 'a'), true],
    // Replaced: its end would never come.
    [marks('b', null), true],
    [marks('b', 'b'), true],
    [marks(null, null), true],
  ];
  for (const [m, want] of cases) assert.is(runIsOver('a', m), want, JSON.stringify(m));
});

join.run();
over.run();
