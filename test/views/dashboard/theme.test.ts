import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeTags, segmentsMarkup, themeFor } from '../../../src/views/dashboard/theme';

const theme = suite('themeFor');

theme('colours tones in the colour theme', () => {
  const t = themeFor(true);
  assert.is(t.tone('ok', 'good'), '{green-fg}ok{/green-fg}');
  assert.is(t.tone('x', 'alert'), '{red-fg}{bold}x{/bold}{/red-fg}');
  assert.is(t.tone('plain', 'normal'), 'plain');
});

theme('uses no colour in the monochrome theme, keeping bold for alerts', () => {
  const t = themeFor(false);
  for (const tone of ['good', 'warn', 'muted', 'normal'] as const) assert.is(t.tone('abc', tone), 'abc');
  assert.is(t.tone('STALLED', 'alert'), '{bold}STALLED{/bold}');
  assert.not.match(JSON.stringify(t.panelStyle), /fg|bg/);
  // Selection is shown by inversion, not by colour.
  assert.is(t.table.selected('row'), '{inverse}row{/inverse}');
});

theme('keeps muted text in the terminal’s own colour where there is no grey (8 colours: grey would be black)', () => {
  const eight = themeFor(true, 8);
  assert.is(eight.tone('idle', 'muted'), 'idle');
  assert.equal(eight.hintStyle, {});
  assert.is(eight.tone('ok', 'good'), '{green-fg}ok{/green-fg}');
  for (const colors of [16, 256]) {
    const t = themeFor(true, colors);
    assert.is(t.tone('idle', 'muted'), '{gray-fg}idle{/gray-fg}');
    assert.equal(t.hintStyle, { fg: 'gray' });
  }
  assert.equal(themeFor(false, 256).hintStyle, {});
});

const escape = suite('escapeTags');

escape('keeps braces in data from opening tags', () => {
  assert.is(escapeTags('task {x}'), 'task {open}x{close}');
});

const markup = suite('segmentsMarkup');

markup('joins segments, escaped and painted', () => {
  assert.is(segmentsMarkup(themeFor(true), [{ text: 'a{' }, { text: 'b', tone: 'warn' }]), 'a{open}{yellow-fg}b{/yellow-fg}');
});

theme.run();
escape.run();
markup.run();
