import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPrintable, printable, printableLine } from '../../src/events/printable';

const Printable = suite('printable');

Printable('shows escape sequences escaped: colours, window titles, the clipboard, cursor moves', () => {
  assert.is(printable('\u001b[31mred\u001b[0m failure'), '\\x1b[31mred\\x1b[0m failure');
  assert.is(printable('\u001b]0;pwned\u0007title'), '\\x1b]0;pwned\\x07title');
  assert.is(printable('id\u001b]52;c;aGVsbG8=\u0007'), 'id\\x1b]52;c;aGVsbG8=\\x07');
  assert.is(printable('a\u001b[2Kb\u009b1;1Hc'), 'a\\x1b[2Kb\\x9b1;1Hc');
});

Printable('escapes every C0, DEL and C1 character but tab and line feed', () => {
  for (let code = 0; code < 0xa0; code += 1) {
    const c = String.fromCharCode(code);
    const out = printable(`a${c}b`);
    if (c === '\t' || c === '\n' || (code >= 0x20 && code < 0x7f)) assert.is(out, `a${c}b`);
    else assert.is(out, `a\\x${code.toString(16).padStart(2, '0')}b`, `code ${code}`);
  }
  assert.is(printable('one\ttwo\r\nthree'), 'one\ttwo\r\nthree');
  assert.is(printable('over\rwrite'), 'over\\x0dwrite');
});

Printable('escapes bidi overrides and isolates, keeps other text', () => {
  assert.is(printable('evil\u202etxt.exe'), 'evil\\u202etxt.exe');
  assert.is(printable('\u2066a\u2069\u200f\u061c\u2028'), '\\u2066a\\u2069\\u200f\\u061c\\u2028');
  assert.is(printable('héllo ✓ 日本 — ok'), 'héllo ✓ 日本 — ok');
});

Printable('its output prints as it is', () => {
  const hostile = '\u001b]52;c;x\u0007\u009b2J\u202e\r';
  assert.not.ok(isPrintable(hostile));
  assert.ok(isPrintable(printable(hostile)));
  assert.is(printable(printable(hostile)), printable(hostile));
});

Printable('printableLine folds line breaks and tabs to spaces', () => {
  assert.is(printableLine('a\r\nb\tc\u001b[1md'), 'a b c\\x1b[1md');
});

Printable.run();
