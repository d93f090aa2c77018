import * as fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BAD_LINE_WARNING, quarantineOf, reportBadInput } from '../../src/pipeline/badInputReport';
import type { FoldInput } from '../../src/sources/inputs';
import { rejectedPath } from '../../src/state/layout';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'f';

const Report = suite('reportBadInput');

Report('a bad line of the log is quarantined and said with its position; other rejections are only said, or counted', () =>
  withTempDir(async (dir) => {
    const said: string[] = [];
    const warner = { warn: (m: string) => said.push(m) };
    const quarantine = quarantineOf({ feature: FEATURE, stateDir: dir, persist: true, now: () => Date.UTC(2026, 1, 1) }, 0, warner);
    const batch: FoldInput[] = [
      { kind: 'rejected', reason: 'invalid_json', detail: 'Unexpected token', line: '{oops', offset: 42 },
      { kind: 'rejected', reason: 'unknown_type', detail: 'task_teleported', line: '{"type":"task_teleported"}', offset: 80 },
      { kind: 'rejected', reason: 'out_of_range', detail: 'checkpoint: duration', line: null, from: 'checkpoint' },
      { kind: 'rejected', reason: 'out_of_range', detail: 'task_complete: duration over 30 days', line: null, from: 'state' },
      { kind: 'rejected', reason: 'out_of_range', detail: 'worker id over 1e6', line: null, from: 'in_process' },
      { kind: 'count', counter: 'tornTail' },
    ];
    reportBadInput({ feature: FEATURE, stateDir: dir, warner, quarantine })(batch);
    await quarantine?.flush();
    assert.equal(said, [
      `${BAD_LINE_WARNING} at byte 42 of ${dir}/f-events.jsonl (invalid_json): Unexpected token`,
      `state file ${dir}/f.json: task_complete: duration over 30 days (out_of_range)`,
      'an event of the orchestrator was not folded: worker id over 1e6 (out_of_range)',
    ]);
    const quarantined = fs.readFileSync(rejectedPath(dir, FEATURE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; offset: number; line: string });
    assert.equal(quarantined.map((q) => [q.reason, q.offset, q.line]), [['invalid_json', 42, '{oops']]);
  }),
);

Report('a processor that only reads keeps no quarantine', () => {
  assert.is(quarantineOf({ feature: FEATURE, stateDir: '/nonexistent' }, 0, { warn: () => undefined }), null);
});

Report.run();
