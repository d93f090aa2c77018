import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RejectedLinesWriter } from '../../src/pipeline/rejectedLines';
import { withTempDir } from '../helpers/tempDir';

const NOW = Date.UTC(2026, 0, 27, 9);
const rejected = (line: string, offset: number) => ({ kind: 'rejected' as const, reason: 'invalid_json' as const, detail: 'Unexpected token', line, offset });
const readEntries = (file: string): unknown[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const Quarantine = suite('RejectedLinesWriter');

Quarantine('appends each rejected line with when, why and where', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'f.rejected.jsonl');
    const writer = new RejectedLinesWriter(file, { now: () => NOW });
    writer.add(rejected('garbage', 10));
    writer.add(rejected('{"x"', 25));
    await writer.flush();
    assert.equal(readEntries(file), [
      { at: '2026-01-27T09:00:00.000Z', reason: 'invalid_json', detail: 'Unexpected token', offset: 10, line: 'garbage' },
      { at: '2026-01-27T09:00:00.000Z', reason: 'invalid_json', detail: 'Unexpected token', offset: 25, line: '{"x"' },
    ]);
  }),
);

Quarantine('stops writing at the cap, says so once, and keeps what was there', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'f.rejected.jsonl');
    fs.writeFileSync(file, `${'x'.repeat(150)}\n`);
    const problems: string[] = [];
    const writer = new RejectedLinesWriter(file, { now: () => NOW, capBytes: 400, onProblem: (m) => problems.push(m) });
    const accepted = [1, 2, 3, 4, 5].map((i) => writer.add(rejected(`bad ${i}`, i)));
    await writer.flush();
    assert.equal(accepted, [true, true, false, false, false]);
    assert.is(problems.length, 1);
    assert.ok(fs.statSync(file).size <= 400);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.is(lines[0], 'x'.repeat(150));
    assert.equal(lines.slice(1).map((l) => (JSON.parse(l) as { line: string }).line), ['bad 1', 'bad 2']);
  }),
);

Quarantine('resuming at an offset, the entries already written past it are not written again', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'f.rejected.jsonl');
    const before = new RejectedLinesWriter(file, { now: () => NOW });
    for (const [line, offset] of [['early', 10], ['late', 50], ['later', 90]] as const) before.add(rejected(line, offset));
    await before.flush();
    // A replay from offset 40 meets `late` and `later` again, then a new bad line, and a different one at 90.
    const resumed = new RejectedLinesWriter(file, { now: () => NOW, resumeFrom: 40 });
    for (const [line, offset] of [['late', 50], ['later', 90], ['new', 120], ['other', 90]] as const) assert.ok(resumed.add(rejected(line, offset)));
    await resumed.flush();
    assert.equal(
      readEntries(file).map((e) => (e as { line: string }).line),
      ['early', 'late', 'later', 'new', 'other'],
    );
    // Once met, an entry is new again: a second truncated-and-rewritten log may repeat it.
    const again = new RejectedLinesWriter(file, { now: () => NOW, resumeFrom: 100 });
    again.add(rejected('new', 120));
    again.add(rejected('new', 120));
    await again.flush();
    assert.equal(readEntries(file).length, 6);
  }),
);

Quarantine('a failed append is reported, not thrown', () =>
  withTempDir(async (dir) => {
    const problems: string[] = [];
    const writer = new RejectedLinesWriter(path.join(dir, 'missing-dir', 'f.rejected.jsonl'), { onProblem: (m) => problems.push(m) });
    writer.add(rejected('bad', 1));
    await writer.flush();
    assert.is(problems.length, 1);
    assert.match(problems[0] ?? '', /ENOENT/);
  }),
);

Quarantine.run();
