import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatElapsed, formatProgress, formatSeconds, graphSize, onWorkers } from '../../src/orchestrator/progress';

const elapsed = suite('formatElapsed');

elapsed('prints minutes and seconds, then hours', () => {
  const cases: [number, string][] = [
    [0, '[00:00]'],
    [3_999, '[00:03]'],
    [65_000, '[01:05]'],
    [3_600_000 + 62_000, '[1:01:02]'],
    [-5, '[00:00]'],
  ];
  for (const [ms, text] of cases) assert.is(formatElapsed(ms), text, String(ms));
});

elapsed.run();

const seconds = suite('formatSeconds');

seconds('prints tenths below a minute, truncated', () => {
  const cases: [number, string][] = [
    [0, '0.0s'],
    [1_249, '1.2s'],
    [59_999, '59.9s'],
    [60_000, '1m00s'],
    [125_000, '2m05s'],
    [3_720_000, '1h02m'],
  ];
  for (const [ms, text] of cases) assert.is(formatSeconds(ms), text, String(ms));
});

seconds.run();

const progress = suite('formatProgress');
const t0 = 1_000_000;

progress('one line per level start and end and per task outcome', () => {
  assert.is(formatProgress({ kind: 'level_started', at: t0, level: 1, tasks: 3, alreadyComplete: 0 }, t0), '[00:00] level 1 started (3 tasks)');
  assert.is(formatProgress({ kind: 'level_started', at: t0, level: 2, tasks: 1, alreadyComplete: 1 }, t0), '[00:00] level 2 started (1 task, 1 already complete)');
  assert.is(
    formatProgress({ kind: 'task_complete', at: t0 + 3_100, taskId: 'T-2', level: 1, workerId: 1, durationMs: 1_234, attempt: 1 }, t0),
    '[00:03] ✓ T-2 (level 1) on worker 1 in 1.2s',
  );
  assert.is(
    formatProgress({ kind: 'task_complete', at: t0 + 3_100, taskId: 'T-3', level: 1, workerId: 2, durationMs: 800, attempt: 2 }, t0),
    '[00:03] ✓ T-3 (level 1) on worker 2 in 0.8s (attempt 2)',
  );
  assert.is(
    formatProgress({ kind: 'task_failed', at: t0 + 4_000, taskId: 'T-3', level: 1, workerId: 2, attempt: 1, maxAttempts: 3, error: 'exit 1', retryInMs: 500 }, t0),
    '[00:04] ✗ T-3 attempt 1/3 failed on worker 2: exit 1 — retrying in 0.5s',
  );
  assert.is(
    formatProgress({ kind: 'task_failed', at: t0 + 4_000, taskId: 'T-3', level: 1, workerId: 2, attempt: 3, maxAttempts: 3, error: 'exit 1', retryInMs: null }, t0),
    '[00:04] ✗ T-3 attempt 3/3 failed on worker 2: exit 1 — no retries left',
  );
  assert.is(formatProgress({ kind: 'level_complete', at: t0 + 5_000, level: 1, durationMs: 4_100, tasks: 3 }, t0), '[00:05] level 1 complete in 4.1s (3 tasks)');
  assert.is(
    formatProgress({ kind: 'level_failed', at: t0 + 6_000, level: 2, failed: ['T-4'], blocked: ['T-5', 'T-6'] }, t0),
    '[00:06] level 2 failed: T-4; not run: T-5, T-6',
  );
});

progress.run();

const words = suite('graphSize, onWorkers');

words('one is singular, other counts plural', () => {
  assert.is(graphSize(1, 1), '1 task in 1 level');
  assert.is(graphSize(8, 4), '8 tasks in 4 levels');
  assert.is(graphSize(0, 0), '0 tasks in 0 levels');
  assert.is(onWorkers(1), 'on 1 worker');
  assert.is(onWorkers(3), 'on 3 workers');
});

words.run();
