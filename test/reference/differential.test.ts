/**
 * The product against the naive reference fold (DESIGN §4.3): generated events logs, as another
 * orchestrator would write them, go through the product's whole read path — the JSONL file read by
 * `loadRun` as `status` and `status --json` read it (tailer, decode, dedupe, reducer, snapshot) — and
 * every `metrics` figure must equal the reference's.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadRun } from '../../src/pipeline/loadRun';
import { replayLog } from '../helpers/processorRuns';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';
import { generateLog, type GeneratedLog } from './generateLog';
import { differences } from './differences';
import { referenceFold, type ReferenceMetrics } from './referenceFold';

const RUNS = 520;
const FEATURE = 'ref';

async function productFigures(dir: string, log: GeneratedLog, now: number): Promise<Record<string, unknown>> {
  fs.writeFileSync(path.join(dir, `${FEATURE}-events.jsonl`), log.text);
  const loaded = await loadRun({ feature: FEATURE, stateDir: dir, now });
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  const { snapshot } = loaded.right;
  return { ...snapshot.metrics, status: snapshot.status, duplicateEvents: snapshot.ingest.duplicateEvents };
}

/** The reference states every figure the product gives (`computed_at`, the clock reading, aside). */
function assertCovers(actual: Record<string, unknown>, expected: ReferenceMetrics): void {
  const missing = (product: object, reference: object, where: string) =>
    Object.keys(product)
      .filter((k) => !(k in reference) && k !== 'computedAt')
      .map((k) => `${where}${k}`);
  const worker = (actual.workerMetrics as object[])[0] ?? {};
  const level = (actual.levelMetrics as object[])[0] ?? {};
  assert.equal(
    [...missing(actual, expected, ''), ...missing(worker, expected.workerMetrics[0] ?? {}, 'worker.'), ...missing(level, expected.levelMetrics[0] ?? {}, 'level.')],
    [],
  );
}

const Differential = suite('product == reference fold');

Differential(`agrees on every metrics figure over ${RUNS} generated runs (producers, seq order, redeliveries, stops and resumes)`, () =>
  withTempDir(async (dir) => {
    const seen = { stopped: 0, resumed: 0, failed: 0, upstream: 0, inflated: 0, redelivered: 0, unnumbered: 0 };
    for (let i = 0; i < RUNS; i++) {
      const log = generateLog(mulberry32(9000 + i));
      // Half the reports are made after the run ended; the others while it was stopped (just after
      // its first stop, when it has one) or still going (cut short anywhere).
      const lines = log.text.split('\n').filter((l) => l !== '');
      const firstStop = lines.findIndex((l) => l.includes('"rush_stopped"'));
      const cut = i % 2 === 0 ? lines.length : i % 4 === 1 && firstStop >= 0 ? firstStop + 1 : 1 + Math.floor(mulberry32(i)() * lines.length);
      const text = `${lines.slice(0, cut).join('\n')}\n`;
      const now = log.lastAt + 5_000;
      const expected: ReferenceMetrics = referenceFold(text, now);
      const actual = await productFigures(dir, { ...log, text }, now);
      const diff = differences(actual, expected as unknown as Record<string, unknown>);
      if (i === 0) assertCovers(actual, expected);
      assert.equal(diff, [], `run ${i} (seed ${9000 + i}, cut at line ${cut}/${lines.length}):\n${diff.slice(0, 8).join('\n')}`);

      if (log.shape.stops.length > 0) seen.resumed += 1;
      if (expected.status === 'stopped') seen.stopped += 1;
      if (expected.status === 'failed') seen.failed += 1;
      if (log.shape.upstream) seen.upstream += 1;
      if (!log.shape.numbered) seen.unnumbered += 1;
      if (/"seq": ?\d{4}/.test(text)) seen.inflated += 1;
      if (expected.duplicateEvents > 0) seen.redelivered += 1;
    }
    // The runs cover what they are meant to cover.
    for (const [what, count] of Object.entries(seen)) assert.ok(count >= 20, `only ${count} runs ${what}`);
  }),
);

Differential('a restart from the checkpoint in mid-log recognises exactly the pairs it folded (60 runs)', () =>
  withTempDir(async (dir) => {
    for (let i = 0; i < 60; i++) {
      const log = generateLog(mulberry32(7000 + i));
      const lines = log.text.split('\n').filter((l) => l !== '');
      const half = 1 + Math.floor(mulberry32(i)() * (lines.length - 1));
      const file = path.join(dir, `${FEATURE}-events.jsonl`);
      fs.rmSync(path.join(dir, `${FEATURE}.json`), { force: true });
      // A processor that owns the feature folds the first part and stores its checkpoint...
      fs.writeFileSync(file, `${lines.slice(0, half).join('\n')}\n`);
      await replayLog(dir, { feature: FEATURE, now: log.lastAt });
      // ...then the rest arrives (redeliveries of pairs folded before the restart, seqs below the highest seen).
      fs.appendFileSync(file, `${lines.slice(half).join('\n')}\n`);
      const now = log.lastAt + 5_000;
      const loaded = await loadRun({ feature: FEATURE, stateDir: dir, now });
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      const { snapshot } = loaded.right;
      const actual = { ...snapshot.metrics, status: snapshot.status, duplicateEvents: snapshot.ingest.duplicateEvents };
      const diff = differences(actual, referenceFold(log.text, now) as unknown as Record<string, unknown>);
      assert.equal(diff, [], `run ${i} (seed ${7000 + i}, restarted after line ${half}/${lines.length}):\n${diff.slice(0, 8).join('\n')}`);
    }
  }),
);

Differential.run();
