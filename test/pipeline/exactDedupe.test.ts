/**
 * Logs not produced by our own writer, read as `status` reads them (`loadRun`): an event whose seq is
 * far ahead, or seqs issued in another order than the lines were written, lose nothing (DESIGN §4.3).
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunSnapshot } from '../../src/metrics/snapshot';
import { loadRun } from '../../src/pipeline/loadRun';
import { withTempDir } from '../helpers/tempDir';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'events', 'inflated-seq.jsonl');
const FEATURE = 'inflated';
const NOW = Date.UTC(2026, 0, 27, 10, 0, 0);
const fixtureLines = (): string[] => fs.readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '');

async function statusOf(dir: string, lines: readonly string[]): Promise<RunSnapshot> {
  fs.writeFileSync(path.join(dir, `${FEATURE}-events.jsonl`), `${lines.join('\n')}\n`);
  const loaded = await loadRun({ feature: FEATURE, stateDir: dir, now: NOW });
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  return loaded.right.snapshot;
}

const Dedupe = suite('exact dedupe, as status reads a log');

Dedupe('one event with an inflated seq ("seq": 1000 at line 5) does not discard the rest of the log', () =>
  withTempDir(async (dir) => {
    const lines = fixtureLines();
    assert.match(lines[4] as string, /"seq":1000/);
    const s = await statusOf(dir, lines);
    assert.is(s.status, 'complete');
    assert.is(s.metrics.tasksCompleted, 6);
    assert.is(s.metrics.tasksTotal, 6);
    assert.is(s.ingest.duplicateEvents, 0);
  }),
);

Dedupe('seqs issued in another order than the lines arrive, and redelivered lines, lose nothing and count nothing twice', () =>
  withTempDir(async (dir) => {
    const lines = fixtureLines().map((l) => JSON.parse(l) as Record<string, unknown>);
    // Two writer threads: each pair of neighbouring lines has its seqs swapped.
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const a = lines[i] as Record<string, unknown>;
      const b = lines[i + 1] as Record<string, unknown>;
      [a.seq, b.seq] = [b.seq, a.seq];
    }
    const text = lines.map((l) => JSON.stringify(l));
    // A broker redelivers three lines later on.
    const redelivered = [3, 12, 20].map((i) => text[i] as string);
    const withRedeliveries = [...text.slice(0, 25), ...redelivered, ...text.slice(25)];
    const s = await statusOf(dir, withRedeliveries);
    assert.is(s.status, 'complete');
    assert.is(s.metrics.tasksCompleted, 6);
    assert.is(s.ingest.duplicateEvents, 3);
    assert.equal(
      s.metrics.workerMetrics.map((w) => w.tasksCompleted),
      [3, 3],
    );
  }),
);

Dedupe.run();
