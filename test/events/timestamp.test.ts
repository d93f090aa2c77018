import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTimestamp, isValidZone, parseTimestamp, TimestampOptions } from '../../src/events/timestamp';

const ok = (s: string, options: TimestampOptions = {}): number => {
  const r = parseTimestamp(s, options);
  if (E.isLeft(r)) throw new Error(`expected ${s} to parse: ${r.left}`);
  return r.right;
};

const INSTANT = Date.UTC(2026, 0, 27, 8, 45, 34, 512);

const parse = suite('parseTimestamp');

parse('reads a Z stamp as UTC', () => {
  assert.is(ok('2026-01-27T08:45:34.512Z'), INSTANT);
});

parse('reads +00:00, a lowercase z and a compact +0000 as the same instant', () => {
  for (const s of ['2026-01-27T08:45:34.512+00:00', '2026-01-27T08:45:34.512z', '2026-01-27T08:45:34.512+0000']) {
    assert.is(ok(s), INSTANT, s);
  }
});

parse('applies a non-UTC offset', () => {
  assert.is(ok('2026-01-27T10:45:34.512+02:00'), INSTANT);
  assert.is(ok('2026-01-27T03:15:34.512-05:30'), INSTANT);
});

parse('keeps microseconds as a fraction of a millisecond', () => {
  assert.is(ok('2026-01-27T08:45:34.512733Z'), INSTANT + 0.733);
});

parse('accepts a space separator, a comma fraction and a stamp without seconds', () => {
  assert.is(ok('2026-01-27 08:45:34.512Z'), INSTANT);
  assert.is(ok('2026-01-27T08:45:34,512Z'), INSTANT);
  assert.is(ok('2026-01-27T08:45Z'), Date.UTC(2026, 0, 27, 8, 45));
});

parse('a naive and a Z stamp of the same instant give 0 with naiveTz UTC', () => {
  const naive = ok('2026-01-27T08:45:34.512733', { naiveTz: 'UTC' });
  const aware = ok('2026-01-27T08:45:34.512733Z');
  assert.is(naive - aware, 0);
});

parse('a naive and a Z stamp of the same instant give 0 under TZ=UTC (local time, no option)', () => {
  const script = [
    "const { parseTimestamp } = require('./src/events/timestamp');",
    "const naive = parseTimestamp('2026-01-27T08:45:34.512733');",
    "const aware = parseTimestamp('2026-01-27T08:45:34.512733Z');",
    'process.stdout.write(String(naive.right - aware.right));',
  ].join('\n');
  const root = path.resolve(__dirname, '..', '..');
  const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, env: { ...process.env, TZ: 'UTC' }, encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  assert.is(child.stdout, '0');
});

parse('reads naive stamps in the local zone by default', () => {
  const expected = new Date(2026, 0, 27, 8, 45, 34, 512).getTime();
  assert.is(ok('2026-01-27T08:45:34.512'), expected);
  const summer = new Date(2026, 6, 1, 12, 0, 0, 0).getTime();
  assert.is(ok('2026-07-01T12:00:00'), summer);
});

parse('reads naive stamps in an IANA zone, winter and summer time', () => {
  assert.is(ok('2026-01-27T09:45:34.512', { naiveTz: 'Europe/Berlin' }), INSTANT);
  assert.is(ok('2026-07-01T14:00:00', { naiveTz: 'Europe/Berlin' }), Date.UTC(2026, 6, 1, 12));
  assert.is(ok('2026-01-27T03:45:34.512', { naiveTz: 'America/New_York' }), INSTANT);
  assert.is(ok('2026-01-27T14:15:34.512', { naiveTz: 'Asia/Kolkata' }), INSTANT);
});

parse('reads naive stamps with an offset as naiveTz', () => {
  assert.is(ok('2026-01-27T10:45:34.512', { naiveTz: '+02:00' }), INSTANT);
});

parse('an explicit zone wins over naiveTz', () => {
  assert.is(ok('2026-01-27T08:45:34.512Z', { naiveTz: 'Europe/Berlin' }), INSTANT);
});

parse('rejects what is not a timestamp, with a reason', () => {
  const bad = ['', 'yesterday', '2026-01-27', '27/01/2026 08:45', '2026-13-01T00:00:00Z', '2026-01-32T00:00:00Z', '2026-02-31T00:00:00Z', '2026-01-27T24:00:00Z', '2026-01-27T08:60:00Z'];
  for (const s of bad) {
    const r = parseTimestamp(s);
    assert.ok(E.isLeft(r), `${JSON.stringify(s)} should be rejected`);
    if (E.isLeft(r)) assert.match(r.left, /timestamp/);
  }
});

parse('an unknown zone for naive stamps is an error, not a silent guess', () => {
  const r = parseTimestamp('2026-01-27T08:45:34', { naiveTz: 'Mars/Olympus_Mons' });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) assert.match(r.left, /unknown time zone: Mars\/Olympus_Mons/);
});

parse.run();

const format = suite('formatTimestamp');

format('writes UTC with a Z and millisecond precision', () => {
  assert.is(formatTimestamp(INSTANT), '2026-01-27T08:45:34.512Z');
});

format('drops the sub-millisecond fraction instead of rounding up', () => {
  assert.is(formatTimestamp(INSTANT + 0.999), '2026-01-27T08:45:34.512Z');
});

format('parses back to the same instant', () => {
  for (const ms of [0, INSTANT, Date.UTC(1999, 11, 31, 23, 59, 59, 999)]) assert.is(ok(formatTimestamp(ms)), ms);
});

format.run();

const zones = suite('isValidZone');

zones('accepts UTC, IANA names and offsets', () => {
  for (const z of ['UTC', 'utc', 'Z', 'Europe/Berlin', 'America/New_York', '+05:30', '-08:00']) assert.ok(isValidZone(z), z);
});

zones('rejects unknown names', () => {
  for (const z of ['Mars/Olympus_Mons', 'Europe/Berlinn', 'not a zone']) assert.not.ok(isValidZone(z), z);
});

zones.run();
