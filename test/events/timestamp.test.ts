import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatTimestamp, isValidZone, parseTimestamp, parseTimestampByPattern, TimestampOptions } from '../../src/events/timestamp';
import { runInZone } from '../helpers/inZone';

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
  const child = runInZone('UTC', script);
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

/** Naive stamps by the minute around changes of offset (and a few that are no stamp), as a state file has them: in runs of one minute. */
const naiveStamps = fc.array(
  fc.tuple(
    fc.constantFrom('2026-03-29T0', '2026-10-25T0', '2026-03-08T0', '2026-11-01T0', '2026-04-05T0', '2026-10-04T0', '2026-01-27T0', '1970-01-01T0', '0099-12-31T0', '2026-02-29T0'),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 61 }),
    fc.constantFrom('', '.5', '.512', '.512733', '.999999999', '.1234567891', ','),
  ),
  { minLength: 1, maxLength: 40 },
).map((list) => list.map(([day, h, m, s, f]) => `${day}${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${f}`));

parse('reads naive stamps as its pattern does, in named zones around their changes of offset', () => {
  for (const naiveTz of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London', 'UTC', '+05:30', 'Nowhere/Else']) {
    fc.assert(
      fc.property(naiveStamps, (stamps) => {
        for (const s of stamps) assert.equal(parseTimestamp(s, { naiveTz }), parseTimestampByPattern(s, { naiveTz }), `${s} in ${naiveTz}`);
      }),
      { numRuns: 150, seed: 5 },
    );
  }
});

parse('reads naive stamps as its pattern does in the local zone, around its changes of offset', () => {
  const script = [
    "const fc = require('fast-check');",
    "const { parseTimestamp, parseTimestampByPattern } = require('./src/events/timestamp');",
    `const stamps = fc.sample(fc.array(fc.tuple(fc.constantFrom('2026-03-29T0', '2026-10-25T0', '2026-03-08T0', '2026-11-01T0', '2026-04-05T0', '2026-10-04T0'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('00', '59.999', '30.512733'))).map((l) => l.map(([d, h, m, s]) => d + h + ':' + String(m).padStart(2, '0') + ':' + s)), { numRuns: 300, seed: 3 }).flat();`,
    'let differ = 0;',
    'for (const s of stamps) if (JSON.stringify(parseTimestamp(s)) !== JSON.stringify(parseTimestampByPattern(s))) differ += 1;',
    "process.stdout.write(`${stamps.length} ${differ}`);",
  ].join('\n');
  for (const TZ of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
    const child = runInZone(TZ, script);
    assert.is(child.status, 0, child.stderr);
    const [count, differ] = child.stdout.split(' ').map(Number);
    assert.ok((count ?? 0) > 1000, `${TZ}: ${count} stamps`);
    assert.is(differ, 0, `${TZ}: stamps read otherwise than by the pattern`);
  }
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
