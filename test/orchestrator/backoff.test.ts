import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RETRY_CAP_MS, retryDelayMs } from '../../src/orchestrator/backoff';

const backoff = suite('retryDelayMs');

backoff('doubles from half a second', () => {
  assert.equal([1, 2, 3, 4].map((n) => retryDelayMs(n)), [500, 1000, 2000, 4000]);
});

backoff('is capped', () => {
  assert.is(retryDelayMs(30), RETRY_CAP_MS);
  assert.is(retryDelayMs(3, 100, 250), 250);
});

backoff('treats retry 0 like the first', () => {
  assert.is(retryDelayMs(0), 500);
});

backoff.run();
