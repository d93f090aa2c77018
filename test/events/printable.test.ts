import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { printable, printableLine } from '../../src/events/printable';

const Printable = suite('printable');

Printable('removes colours, window titles and cursor moves, keeping the text', () => {
  assert.is(printable('\u001b[31mred\u001b[0m failure'), 'red failure');
  assert.is(printable('\u001b]0;pwned\u0007title'), 'title');
  assert.is(printable('a\u001b[2Kb\u001b[1;1Hc'), 'abc');
});

Printable('shows any other control character as �, and keeps line breaks and tabs', () => {
  assert.is(printable('bell\u0007 nul\u0000 del\u007f c1\u009b'), 'bell� nul� del� c1�');
  assert.is(printable('one\ttwo\r\nthree'), 'one\ttwo\r\nthree');
  assert.is(printable('héllo ✓ 日本'), 'héllo ✓ 日本');
});

Printable('printableLine folds line breaks and tabs to spaces', () => {
  assert.is(printableLine('a\r\nb\tc\u001b[1md'), 'a b cd');
});

Printable.run();
