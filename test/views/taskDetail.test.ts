import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AttemptRecord } from '../../src/metrics/attempts';
import { closeTaskIds, taskDetailLines } from '../../src/views/taskDetail';

const Close = suite('closeTaskIds');

Close('finds ids a typo away, by case or by part, closest first', () => {
  const ids = ['WM-001', 'WM-002', 'WM-010', 'OTHER-TASK'];
  assert.equal(closeTaskIds('wm-001', ids), ['WM-001', 'WM-002', 'WM-010']);
  assert.equal(closeTaskIds('WM-01', ids).slice(0, 2), ['WM-010', 'WM-001']);
  assert.equal(closeTaskIds('zzzzzzzzzz', ids), []);
});

const Detail = suite('taskDetailLines');

Detail('shows input strings only as printable text', () => {
  const attempt: AttemptRecord = { taskId: 'T\u001b]0;x\u0007', attempt: 1, workerId: 1, claimedAt: 0, startedAt: 0, endedAt: 10, outcome: 'failed', error: 'exit 1: \u001b[31mred', exitCode: 1 };
  const lines = taskDetailLines(
    { task: { taskId: attempt.taskId, queueWaitMs: null, executionDurationMs: null, verificationDurationMs: null, totalDurationMs: null, status: 'failed', level: 1 }, attempts: [attempt] },
    { now: 10, timeZone: 'UTC', tails: new Map([[1, { file: 'x.log', lines: ['\u001b[2Jcleared', 'bell\u0007'] }]]) },
  );
  const text = lines.join('\n');
  assert.not.ok(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), JSON.stringify(text));
  assert.match(text, /Attempt 1 · worker 1 · failed, exit 1/);
  // Shown escaped, as every printer shows them: visible, never acted on.
  assert.ok(text.includes('│ \\x1b[2Jcleared'), text);
  assert.ok(text.includes('error: exit 1: \\x1b[31mred'), text);
});

Close.run();
Detail.run();
