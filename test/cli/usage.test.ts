/**
 * Flags that only make sense with another one are refused (exit 2, one line naming the flag it
 * needs), never silently ignored; every message to the user starts with `mahabharatha:`. The built
 * binary on a state dir made here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventsPath } from '../../src/state/layout';
import { MAIN, requireBuild } from '../orchestrator/cliHarness';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'usage';

const cli = (args: readonly string[], cwd: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', NO_COLOR: '1' } });

/** A state dir with a finished two-level run (levels of 3 and 2 tasks). */
function run(root: string): string {
  const stateDir = path.join(root, '.mahabharatha', 'state');
  fs.mkdirSync(stateDir, { recursive: true });
  const events = generateRun(mulberry32(5), { workers: 2, tasksPerLevel: [3, 2], failRate: 0, maxRetries: 1, producer: 'orch', feature: FEATURE });
  fs.writeFileSync(eventsPath(stateDir, FEATURE), toJsonl(events));
  return stateDir;
}

const usage = suite('flags that need another');

/** Each flag that only means something with another, the other, and a value it would take. */
const NEEDS_WATCH: readonly (readonly string[])[] = [
  ['--interval', '500'],
  ['--stall-after', '30'],
];

usage('a dashboard flag without --watch is refused with exit 2, naming --watch; nothing is printed on stdout', () =>
  withTempDir((root) => {
    run(root);
    for (const flag of NEEDS_WATCH) {
      for (const mode of [[], ['--json'], ['--level', '1']]) {
        const r = cli(['status', ...mode, ...flag], root);
        const what = `status ${[...mode, ...flag].join(' ')}`;
        assert.is(r.status, 2, `${what}: ${r.stderr}`);
        assert.is(r.stdout, '', what);
        assert.match(r.stderr, new RegExp(`^mahabharatha: ${flag[0]} only makes sense with --watch`), what);
        assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
      }
    }
  }),
);

usage('flags that cannot go together are refused with exit 2', () =>
  withTempDir((root) => {
    run(root);
    for (const args of [
      ['status', '--watch', '--level', '1'],
      ['status', '--json', '--watch'],
    ]) {
      const r = cli(args, root);
      assert.is(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^mahabharatha: option '.+' cannot be used with option '.+'/, args.join(' '));
    }
  }),
);

usage('--level with --json is honoured: that level’s tasks and figures only', () =>
  withTempDir((root) => {
    run(root);
    const whole = JSON.parse(cli(['status', '--json'], root).stdout) as { tasks: unknown[]; levels: unknown[] };
    assert.is(whole.tasks.length, 5);
    const r = cli(['status', '--json', '--level', '2'], root);
    assert.is(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { level: number; tasks: { level: number }[]; levels: { level: number }[]; metrics: { tasks_total: number } };
    assert.is(doc.level, 2);
    assert.equal(doc.tasks.map((t) => t.level), [2, 2]);
    assert.equal(doc.levels.map((l) => l.level), [2]);
    assert.is(doc.metrics.tasks_total, 5, 'the run’s metrics stay whole');
    const unknown = cli(['status', '--json', '--level', '7'], root);
    assert.is(unknown.status, 1);
    assert.is(unknown.stdout, '');
    assert.match(unknown.stderr, /^mahabharatha: usage: level 7 not found \(levels: 1, 2\)/);
  }),
);

usage('every error starts with mahabharatha:, commander’s own included', () =>
  withTempDir((root) => {
    for (const args of [['status', '--frobnicate'], ['status', '--level', 'two'], ['rush'], ['nonsense']]) {
      const r = cli(args, root);
      assert.ok(r.status === 1 || r.status === 2, `${args.join(' ')} exits ${r.status}`);
      assert.match(r.stderr, /^mahabharatha: /, args.join(' '));
      assert.not.match(r.stderr, /^error:/m, args.join(' '));
    }
  }),
);

usage.before(() => requireBuild());
usage.run();
