import * as fs from 'node:fs';
import { firstValueFrom } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index';
import { generateRun, toJsonl } from './helpers/runGenerator';
import { mulberry32 } from './helpers/seededRandom';
import { withTempDir } from './helpers/tempDir';

const Api = suite('public API');

Api('exports the processor, the codecs and the seed functions', () => {
  for (const name of [
    'createMetricsProcessor',
    'loadRun',
    'OrchestratorEvents',
    'decodeEvent',
    'decodeLine',
    'encodeEvent',
    'StateFile',
    'FeatureMetrics',
    'WorkerMetrics',
    'TaskMetrics',
    'LevelMetrics',
    'durationMs',
    'calculatePercentile',
    'MetricsCollector',
    'StateManager',
    'Series',
  ]) {
    assert.ok((api as Record<string, unknown>)[name] !== undefined, name);
  }
  assert.is(api.calculatePercentile([10, 20, 30, 40], 50), 25);
  assert.is(api.durationMs('2026-01-27T08:00:00Z', '2026-01-27T08:00:01.5Z'), 1500);
});

Api('the README example: subscribe to a feature and read its metrics', () =>
  withTempDir(async (stateDir) => {
    fs.writeFileSync(api.eventsPath(stateDir, 'demo'), toJsonl(generateRun(mulberry32(5), { workers: 2, tasksPerLevel: [2, 2], producer: 'p' })));

    const processor = api.createMetricsProcessor({ feature: 'demo', stateDir, sources: { eventsLog: { follow: true } } });
    await processor.ready;
    const workers = await firstValueFrom(processor.workers$);
    const feature = await firstValueFrom(processor.feature$);
    await processor.close();

    assert.equal(workers.map((w) => [w.workerId, w.status]), [[0, 'stopped'], [1, 'stopped']]);
    assert.is(feature.tasksCompleted, 4);
    assert.is(api.FeatureMetrics.encode(feature).tasks_completed, 4);
  }),
);

Api.run();
