import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RateLimitedWarner } from '../../src/pipeline/warnings';

const Warner = suite('RateLimitedWarner');

Warner('writes at most one warning per period and says how many were suppressed', () => {
  let t = 0;
  const lines: string[] = [];
  const warner = new RateLimitedWarner((l) => lines.push(l), 5000, () => t);
  warner.warn('bad line 1');
  t = 1000;
  warner.warn('bad line 2');
  t = 2000;
  warner.warn('bad line 3');
  t = 5000;
  warner.warn('bad line 4');
  t = 5001;
  warner.warn('bad line 5');
  t = 20_000;
  warner.warn('bad line 6');
  assert.equal(lines, ['bad line 1', 'bad line 4 (2 similar warnings suppressed)', 'bad line 6 (1 similar warning suppressed)']);
});

Warner.run();
