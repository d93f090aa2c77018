/**
 * The library example of README.md runs as printed: it is taken from the README, pointed at this
 * checkout instead of the installed package, and run on a generated events log.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath } from '../src/state/layout';
import { generateRun, toJsonl } from './helpers/runGenerator';
import { mulberry32 } from './helpers/seededRandom';
import { withTempDir } from './helpers/tempDir';

const ROOT = path.resolve(__dirname, '..');

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const example = blocks.find((b) => b.includes("from 'mahabharatha'"));
  if (example === undefined) throw new Error('README.md has no ```ts block importing mahabharatha');
  return example;
}

const Readme = suite('README');

Readme('the library example is at most a dozen lines', () => {
  assert.ok(readmeExample().trim().split('\n').length <= 12);
});

Readme('the library example runs and prints the levels and the totals of a run', () =>
  withTempDir((dir) => {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir);
    fs.writeFileSync(eventsPath(stateDir, 'worker-metrics'), toJsonl(generateRun(mulberry32(11), { workers: 2, tasksPerLevel: [1, 3], failRate: 0, producer: 'p' })));
    const script = path.join(dir, 'example.ts');
    fs.writeFileSync(script, readmeExample().replace("from 'mahabharatha'", `from ${JSON.stringify(path.join(ROOT, 'src', 'index'))}`));
    const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', script, stateDir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.is(run.status, 0, run.stderr);
    assert.match(run.stdout, /L1 complete p95=\d+ms \| L2 complete p95=\d+ms/);
    assert.match(run.stdout, /^4\/4 tasks, 2 workers, \d+ ms$/m);
  }),
);

Readme.run();
