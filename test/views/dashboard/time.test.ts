import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatWholeSeconds } from '../../../src/views/dashboard/time';

const seconds = suite('formatWholeSeconds');

seconds('shows whole seconds, minutes and hours, truncated', () => {
  const cases: readonly (readonly [number | null, string])[] = [
    [0, '0s'],
    [999, '0s'],
    [42_900, '42s'],
    [60_000, '1m'],
    [65_000, '1m05s'],
    [3_599_999, '59m59s'],
    [3_600_000, '1h'],
    [3_900_000, '1h05m'],
    [-5, '0s'],
    [null, '-'],
  ];
  for (const [ms, expected] of cases) assert.is(formatWholeSeconds(ms), expected, String(ms));
});

seconds.run();
