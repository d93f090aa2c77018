import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { durationMs, toEpochMs } from '../../src/metrics/duration';

const DurationMs = suite('durationMs');

DurationMs('test_duration_ms_calculation: whole ms between two stamps', () => {
  assert.is(durationMs('2026-01-27T10:00:00Z', '2026-01-27T10:00:01.5Z'), 1500);
  assert.is(durationMs(Date.UTC(2026, 0, 27, 10), Date.UTC(2026, 0, 27, 10, 0, 1, 500)), 1500);
  assert.is(durationMs(new Date('2026-01-27T10:00:00Z'), new Date('2026-01-27T10:00:01.500Z')), 1500);
});

DurationMs('test_duration_ms_with_none: null when either stamp is missing', () => {
  assert.is(durationMs(null, '2026-01-27T10:00:00Z'), null);
  assert.is(durationMs('2026-01-27T10:00:00Z', null), null);
  assert.is(durationMs(undefined, undefined), null);
  assert.is(durationMs(null, null), null);
});

DurationMs('null when a stamp cannot be read', () => {
  assert.is(durationMs('yesterday', '2026-01-27T10:00:00Z'), null);
  assert.is(durationMs('2026-01-27T10:00:00Z', new Date('nonsense')), null);
  assert.is(durationMs(Number.NaN, 5), null);
  assert.is(durationMs(0, Infinity), null);
});

DurationMs('a negative duration is returned as it is', () => {
  assert.is(durationMs('2026-01-27T10:00:05Z', '2026-01-27T10:00:00Z'), -5000);
  assert.is(durationMs(5000, 0), -5000);
});

DurationMs('truncates toward zero, also for negative durations', () => {
  assert.is(durationMs(0, 1.9), 1);
  assert.is(durationMs(1.9, 0), -1);
  assert.ok(Object.is(durationMs(0.4, 0), 0), 'no negative zero');
});

DurationMs('microsecond stamps truncate the true difference, not float noise', () => {
  // 10:00:00.000001 → 10:00:01.500001 is exactly 1500 ms even though the float difference is not.
  assert.is(durationMs('2026-01-27T10:00:00.000001', '2026-01-27T10:00:01.500001', { naiveTz: 'UTC' }), 1500);
  const start = Date.UTC(2026, 0, 27, 10) + 0.1;
  assert.is(durationMs(start, start + 1499.9999999), 1500);
  assert.is(durationMs(start, start + 1499.999), 1499);
  let ok = 0;
  for (let us = 0; us < 1000; us++) {
    const a = 1769508000000 + us / 1000;
    if (durationMs(a, a + 1.5 * 1000) === 1500) ok++;
  }
  assert.is(ok, 1000);
});

DurationMs('Z, +00:00 and a naive stamp read as UTC are the same instant', () => {
  const z = '2026-01-27T08:45:34.512733Z';
  assert.is(durationMs(z, '2026-01-27T08:45:34.512733+00:00'), 0);
  assert.is(durationMs(z, '2026-01-27T08:45:34.512733', { naiveTz: 'UTC' }), 0);
  assert.is(durationMs('2026-01-27T08:45:34.512733', z, { naiveTz: 'UTC' }), 0);
  // Berlin is UTC+1 in January.
  assert.is(durationMs('2026-01-27T09:45:34.512733', z, { naiveTz: 'Europe/Berlin' }), 0);
});

DurationMs('a naive stamp is local time: under TZ=UTC it equals the Z stamp', () => {
  const saved = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    assert.is(durationMs('2026-01-27T10:00:00', '2026-01-27T10:00:00Z'), 0);
    assert.is(durationMs('2026-01-27T10:00:00', '2026-01-27T10:00:01.5Z'), 1500);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

DurationMs.run();

const ToEpochMs = suite('toEpochMs');

ToEpochMs('reads numbers, dates and ISO strings to epoch ms', () => {
  assert.is(toEpochMs(1500), 1500);
  assert.is(toEpochMs(new Date(1500)), 1500);
  assert.is(toEpochMs('1970-01-01T00:00:01.5Z'), 1500);
  assert.is(toEpochMs('1970-01-01T01:00:01.5+01:00'), 1500);
  assert.is(toEpochMs(null), null);
  assert.is(toEpochMs('not a time'), null);
});

ToEpochMs.run();
