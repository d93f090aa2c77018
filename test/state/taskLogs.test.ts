import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTEMPT_LOG_CAP_BYTES, AttemptLog, capNote } from '../../src/orchestrator/attemptLog';
import { attemptLogPath, taskFileName, taskLogsDir } from '../../src/state/layout';
import { readTail } from '../../src/state/readTail';
import { withTempDir } from '../helpers/tempDir';

const Names = suite('taskFileName');

Names('keeps plain ids and escapes every byte that could leave the directory', () => {
  assert.is(taskFileName('WM-L1-001_a'), 'WM-L1-001_a');
  assert.is(taskFileName('..'), '%2E%2E');
  assert.is(taskFileName('../../etc/passwd'), '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd');
  assert.is(taskFileName('a\\b'), 'a%5Cb');
  assert.is(taskFileName(''), '%');
  assert.is(taskFileName('é'), '%C3%A9');
});

Names('shortens a long id with a hash of the whole, so two long ids stay apart', () => {
  const a = taskFileName(`${'x'.repeat(300)}a`);
  const b = taskFileName(`${'x'.repeat(300)}b`);
  assert.ok(a.length <= 120 && b.length <= 120);
  assert.is.not(a, b);
});

Names('logs go beside a state dir named state (.mahabharatha/logs), else inside it', () => {
  assert.is(taskLogsDir('/p/.mahabharatha/state'), '/p/.mahabharatha/logs/tasks');
  assert.is(taskLogsDir('/tmp/run1'), '/tmp/run1/logs/tasks');
  assert.is(attemptLogPath('/p/.mahabharatha/state', '../x', 2), '/p/.mahabharatha/logs/tasks/%2E%2E%2Fx/attempt-2.log');
});

const Log = suite('AttemptLog');

Log('keeps output up to its cap, then says the rest was left out', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'a', 'attempt-1.log');
    const log = AttemptLog.open(file, 10);
    log.write(Buffer.from('12345'));
    log.write(Buffer.from('67890abc'));
    log.write(Buffer.from('more'));
    log.close();
    assert.is(fs.readFileSync(file, 'utf8'), `1234567890${capNote(10)}`);
    assert.match(capNote(ATTEMPT_LOG_CAP_BYTES), /past 1 MB/);
  }),
);

Log('refuses to write through a symlink', () =>
  withTempDir((dir) => {
    const target = path.join(dir, 'target');
    fs.writeFileSync(target, 'keep');
    fs.symlinkSync(target, path.join(dir, 'attempt-1.log'));
    assert.throws(() => AttemptLog.open(path.join(dir, 'attempt-1.log')));
    assert.is(fs.readFileSync(target, 'utf8'), 'keep');
  }),
);

const Tail = suite('readTail');

Tail('returns the last lines, and null for a missing file or a symlink', () =>
  withTempDir((dir) => {
    const file = path.join(dir, 'log');
    fs.writeFileSync(file, Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    assert.equal(readTail(file, 3), ['line 28', 'line 29', 'line 30']);
    assert.is(readTail(path.join(dir, 'nope'), 3), null);
    fs.symlinkSync(file, path.join(dir, 'link'));
    assert.is(readTail(path.join(dir, 'link'), 3), null);
  }),
);

Names.run();
Log.run();
Tail.run();
