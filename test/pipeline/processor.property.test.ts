/**
 * Streaming == batch (DESIGN §2): for random valid runs, the metrics the processor computes from
 * the JSONL log equal `MetricsCollector` over the state file it saved — and stay the same after
 * duplicating lines, inserting garbage lines, and cutting the file at a random byte and resuming
 * from the checkpoint.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FeatureMetrics } from '../../src/metrics/types';
import type { MetricsProcessor } from '../../src/pipeline/processor';
import { eventsPath } from '../../src/state/layout';
import { MetricsCollector } from '../../src/state/metricsCollector';
import { replayLog, savedState } from '../helpers/processorRuns';
import { generateRun, RunShape, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'prop';
const NOW = Date.UTC(2026, 5, 1);
const RUNS = 25;

const shape: fc.Arbitrary<RunShape> = fc.record({
  workers: fc.integer({ min: 1, max: 5 }),
  tasksPerLevel: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
  firstLevel: fc.constantFrom(0, 1),
  failRate: fc.constantFrom(0, 0.15, 0.4),
  maxRetries: fc.integer({ min: 0, max: 3 }),
  verifyRate: fc.constantFrom(0, 0.5),
  producer: fc.constantFrom<string | null>('orch-1', null),
  feature: fc.constant(FEATURE),
});

const GARBAGE = [
  'garbage',
  '{"no":"envelope"}',
  '[1,2,3]',
  '{"timestamp":"not a time","type":"task_claimed","data":{"task_id":"T","worker_id":1}}',
  '{"timestamp":"2026-01-27T08:00:00Z","type":"task_claimed","data":{"task_id":"T"}}',
  '{"timestamp":"2026-01-27T08:00:00Z","type":"from_the_future","data":{}}',
  '{"timestamp": "2026-01-27T08:00:',
];

/** Runs a persisting processor over the log as it is now, to its end. */
const runProcessor = (dir: string): Promise<MetricsProcessor> => replayLog(dir, { feature: FEATURE, now: NOW });

function batchOfSavedState(dir: string): FeatureMetrics {
  const state = savedState(dir, FEATURE);
  return new MetricsCollector(() => state, { now: () => NOW }).snapshot().metrics;
}

/** The figures, without where they were read from (offsets differ between log variants). */
const figures = (m: FeatureMetrics): FeatureMetrics => {
  const { source: _source, ...rest } = m;
  return rest;
};

/** The log with copies of some lines re-appended a few lines later and garbage lines inserted. */
function mutate(lines: readonly string[], rand: () => number): string[] {
  const out: string[] = [];
  const pending: Array<{ at: number; line: string }> = [];
  lines.forEach((line, i) => {
    out.push(line);
    if (rand() < 0.15) pending.push({ at: i + 1 + Math.floor(rand() * 4), line });
    if (rand() < 0.1) out.push(GARBAGE[Math.floor(rand() * GARBAGE.length)] as string);
    for (const p of pending.filter((x) => x.at === i)) out.push(p.line);
  });
  for (const p of pending.filter((x) => x.at >= lines.length)) out.push(p.line);
  return out;
}

const Property = suite('createMetricsProcessor (property)');

Property('streaming metrics equal MetricsCollector over the state file the processor saved', async () => {
  await fc.assert(
    fc.asyncProperty(shape, fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (s, seed) =>
      withTempDir(async (dir) => {
        fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(generateRun(mulberry32(seed), s)));
        const processor = await runProcessor(dir);
        assert.equal(figures(batchOfSavedState(dir)), figures(processor.snapshot().metrics));
      }),
    ),
    { numRuns: RUNS, seed: 1 },
  );
});

Property('duplicated lines, garbage lines and a cut at any byte with a resume change nothing', async () => {
  await fc.assert(
    fc.asyncProperty(shape, fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (s, seed, cutAt) =>
      withTempDir(async (dir) => {
        const text = toJsonl(generateRun(mulberry32(seed), s));
        const clean = path.join(dir, 'clean');
        fs.mkdirSync(clean);
        fs.writeFileSync(eventsPath(clean, FEATURE), text);
        const reference = figures((await runProcessor(clean)).snapshot().metrics);

        const noisy = path.join(dir, 'noisy');
        fs.mkdirSync(noisy);
        const mutated = Buffer.from(`${mutate(text.trimEnd().split('\n'), mulberry32(seed ^ 0x5bd1e995)).join('\n')}\n`);
        const cut = Math.floor(cutAt * mutated.length);
        fs.writeFileSync(eventsPath(noisy, FEATURE), mutated.subarray(0, cut));
        await runProcessor(noisy);
        fs.appendFileSync(eventsPath(noisy, FEATURE), mutated.subarray(cut));
        const resumed = await runProcessor(noisy);

        assert.equal(figures(resumed.snapshot().metrics), reference);
        assert.equal(figures(batchOfSavedState(noisy)), reference);
        assert.is(resumed.snapshot().metrics.source?.eventsOffset, mutated.length);
      }),
    ),
    { numRuns: RUNS, seed: 2 },
  );
});

Property.run();
