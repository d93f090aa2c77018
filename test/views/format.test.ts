import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runInZone } from '../helpers/inZone';
import { mulberry32 } from '../helpers/seededRandom';
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatPercent,
  oneLine,
  padEnd,
  painter,
  plural,
  progressBar,
  stripAnsi,
  visibleWidth,
} from '../../src/views/format';

const duration = suite('formatDuration');

const DURATIONS: readonly (readonly [number | null | undefined, string])[] = [
  [0, '0ms'],
  [1, '1ms'],
  [999, '999ms'],
  [999.9, '999ms'],
  [1000, '1.0s'],
  [1099, '1.0s'],
  [1500, '1.5s'],
  [1999, '1.9s'],
  [10_250, '10.2s'],
  [59_999, '59.9s'],
  [60_000, '1m'],
  [60_999, '1m'],
  [61_000, '1m01s'],
  [90_000, '1m30s'],
  [240_000, '4m'],
  [3_599_999, '59m59s'],
  [3_600_000, '1h'],
  [3_659_999, '1h'],
  [3_660_000, '1h01m'],
  [5_400_000, '1h30m'],
  [90_000_000, '25h'],
  [null, '-'],
  [undefined, '-'],
  [Number.NaN, '-'],
  [Number.POSITIVE_INFINITY, '-'],
  [-5, '-'],
];

duration('formats each unit boundary the way upstream does, truncating', () => {
  for (const [ms, expected] of DURATIONS) assert.is(formatDuration(ms), expected, `formatDuration(${ms})`);
});

duration('never rounds up into the next unit', () => {
  assert.is(formatDuration(59_999), '59.9s');
  assert.is(formatDuration(3_599_999), '59m59s');
});
duration.run();

const percent = suite('formatPercent');

percent('truncates to whole percent and clamps to 0..100', () => {
  const cases: [number | null, string][] = [
    [0, '0%'],
    [0.6, '60%'],
    [2 / 3, '66%'],
    [0.999, '99%'],
    [1, '100%'],
    [1.4, '100%'],
    [-0.2, '0%'],
    [0.29, '29%'],
    [null, '-'],
    [Number.NaN, '-'],
  ];
  for (const [f, expected] of cases) assert.is(formatPercent(f), expected, `formatPercent(${f})`);
});
percent.run();

const bar = suite('progressBar');

bar('fills cells in proportion, full only when complete', () => {
  assert.equal(progressBar(0.6, 20), { filled: '█'.repeat(12), empty: '░'.repeat(8) });
  assert.equal(progressBar(0, 10), { filled: '', empty: '░'.repeat(10) });
  assert.equal(progressBar(1, 10), { filled: '█'.repeat(10), empty: '' });
  assert.is(progressBar(0.999, 20).filled.length, 19);
});

bar('treats out-of-range and non-finite fractions as bounds or empty', () => {
  assert.is(progressBar(2, 5).filled.length, 5);
  assert.is(progressBar(-1, 5).filled.length, 0);
  assert.is(progressBar(Number.NaN, 5).empty.length, 5);
});
bar.run();

const clock = suite('formatClock');

clock('prints HH:MM:SS in the given zone', () => {
  const ms = Date.UTC(2026, 0, 27, 8, 5, 9, 900);
  assert.is(formatClock(ms, 'UTC'), '08:05:09');
  assert.is(formatClock(ms, 'Asia/Kolkata'), '13:35:09');
  assert.is(formatClock(Date.UTC(2026, 0, 27, 23, 59, 59), 'UTC'), '23:59:59');
  assert.is(formatClock(Date.UTC(2026, 0, 27, 0, 0, 0), 'UTC'), '00:00:00');
});

clock('reads every instant as Intl does, across offset changes, half-hour zones and a zone whose summer time is 30 minutes', () => {
  const rand = mulberry32(2026);
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
  for (const zone of zones) {
    const intl = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: zone });
    const expected = (ms: number): string => {
      const p: Record<string, string> = {};
      for (const part of intl.formatToParts(new Date(Math.floor(ms)))) p[part.type] = part.value;
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    };
    // Random instants over 1990–2040, every 3h07m13s through 2026, and each side of Europe's 2026 changes.
    const instants = Array.from({ length: 300 }, () => Date.UTC(1990, 0, 1) + rand() * 50 * 365 * 86_400_000);
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 11_233_000) instants.push(ms);
    for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) instants.push(change - 1000, change - 1, change, change + 999, change + 1000);
    for (const ms of instants) {
      const want = expected(ms);
      if (formatDateTime(ms, zone) !== want || formatClock(ms, zone) !== want.slice(11)) {
        assert.unreachable(`${zone} at ${ms}: ${formatDateTime(ms, zone)}, Intl says ${want}`);
      }
    }
  }
});

clock('fails on a zone Intl does not know, as Intl does, every time it is asked', () => {
  const ms = Date.UTC(2026, 0, 27, 8, 5, 9);
  let intlError: unknown;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Nowhere/Else' });
  } catch (err) {
    intlError = err;
  }
  assert.instance(intlError, RangeError);
  for (let i = 0; i < 2; i += 1) {
    assert.throws(() => formatClock(ms, 'Nowhere/Else'), (err: unknown) => err instanceof RangeError && err.message === (intlError as RangeError).message);
    assert.throws(() => formatDateTime(ms, 'Nowhere/Else'), (err: unknown) => err instanceof RangeError && err.message === (intlError as RangeError).message);
  }
  assert.is(formatClock(null, 'Nowhere/Else'), '-');
});

clock('is a dash when unknown', () => {
  assert.is(formatClock(null), '-');
  assert.is(formatClock(undefined, 'UTC'), '-');
  assert.is(formatDateTime(null), '-');
});

clock('prints the date too when asked, in the given zone', () => {
  const ms = Date.UTC(2026, 0, 27, 22, 5, 9);
  assert.is(formatDateTime(ms, 'UTC'), '2026-01-27 22:05:09');
  assert.is(formatDateTime(ms, 'Asia/Tokyo'), '2026-01-28 07:05:09');
});

clock('in this machine’s zone, prints what the zone named prints, across changes of offset', () => {
  const script = [
    "const { formatDateTime } = require('./src/views/format');",
    'const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;',
    'let differ = 0;',
    // Every 7 minutes and 13 seconds through 2026, and around 1970.
    'for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 433_000) if (formatDateTime(ms) !== formatDateTime(ms, zone)) differ += 1;',
    'for (let ms = -86_400_000; ms < 86_400_000; ms += 433_000) if (formatDateTime(ms) !== formatDateTime(ms, zone)) differ += 1;',
    'process.stdout.write(`${zone} ${differ}`);',
  ].join('\n');
  for (const TZ of ['Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns', 'UTC']) {
    const child = runInZone(TZ, script);
    assert.is(child.status, 0, child.stderr);
    assert.is(child.stdout, `${TZ} 0`);
  }
});
clock.run();

const paint = suite('painter');

paint('wraps text in ANSI codes when colour is on', () => {
  const p = painter(true);
  assert.is(p('red', 'boom'), '\u001b[31mboom\u001b[39m');
  assert.is(p('bold', 'x'), '\u001b[1mx\u001b[22m');
  assert.is(stripAnsi(p('green', 'ok')), 'ok');
});

paint('is the identity when colour is off', () => {
  const p = painter(false);
  for (const style of ['bold', 'dim', 'red', 'green', 'yellow', 'cyan'] as const) assert.is(p(style, 'plain'), 'plain');
});
paint.run();

const text = suite('text helpers');

text('measures and pads by visible width, ignoring colour codes', () => {
  const coloured = painter(true)('green', '✓ DONE');
  assert.is(visibleWidth(coloured), 6);
  assert.is(stripAnsi(padEnd(coloured, 10)), '✓ DONE    ');
  assert.is(visibleWidth('██░░'), 4);
});

text('folds an error onto one line and cuts it with an ellipsis', () => {
  assert.is(oneLine('exit 1\n  stderr: boom\n', 80), 'exit 1 stderr: boom');
  assert.is(oneLine('abcdefghij', 5), 'abcd…');
  assert.is(oneLine('abc', 3), 'abc');
  // Text from a command or a log never restyles the terminal it is printed in: its controls are shown escaped.
  assert.is(oneLine('exit 3: \u001b[31mred\u001b[0m done\u0007', 80), 'exit 3: \\x1b[31mred\\x1b[0m done\\x07');
});

text('pluralises counts', () => {
  assert.is(plural(1, 'task'), '1 task');
  assert.is(plural(0, 'task'), '0 tasks');
  assert.is(plural(3, 'input line'), '3 input lines');
});
text.run();
