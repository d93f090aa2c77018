/**
 * The broker's flags as a user meets them: wrong ones refused (exit 2) in one line, a broker that
 * is not there reported (exit 1) at once, a feature the broker does not hold named with those it does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../helpers/freePort';
import { startRedis } from '../helpers/redisServer';
import { tempDirPerTest } from '../helpers/tempDir';
import { copyGraph, runCli } from '../orchestrator/cliHarness';

let dir = '';
const flags = suite('broker flags');
tempDirPerTest(flags, 'mahabharatha-broker-cli-', (d) => (dir = d));

flags('wrong or missing flags are usage errors, in one line', async () => {
  copyGraph('broker.task-graph.json', dir);
  const cases: [string[], RegExp][] = [
    [['rush', '--graph', 'broker.task-graph.json', '--workers', '0'], /--workers 0 needs a broker/],
    [['rush', '--graph', 'broker.task-graph.json', '--broker', 'http://127.0.0.1:6379'], /--broker "http:\/\/127\.0\.0\.1:6379": unsupported scheme "http"/],
    [['status', '--broker', 'redis://127.0.0.1:6379'], /with a broker, name the feature/],
    [['worker', '--feature', 'f'], /worker needs --broker/],
    [['worker', '--broker', 'redis://127.0.0.1:6379'], /worker needs --feature/],
    [['worker', '--broker', 'redis://127.0.0.1:6379', '--feature', 'f', '--slots', '0'], /--slots/],
    [['worker', '--broker', 'redis://127.0.0.1:6379', '--feature', 'f', '--cwd', 'no-such-dir'], /--cwd no-such-dir: not a directory/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: dir, env: { MAHABHARATHA_BROKER: '', MAHABHARATHA_FEATURE: '' } });
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.not.ok(fs.existsSync(path.join(dir, '.mahabharatha')), 'nothing written');
});

flags('a broker that is not there: exit 1 at once, and rush leaves no run behind', async () => {
  copyGraph('broker.task-graph.json', dir);
  // A local port nobody listens on.
  const url = `redis://127.0.0.1:${await freePort()}`;
  for (const args of [['status', '--broker', url, '--feature', 'brokered', '--json'], ['worker', '--broker', url, '--feature', 'brokered'], ['rush', '--graph', 'broker.task-graph.json', '--broker', url, '--state-dir', 'state']]) {
    const r = await runCli(args, { cwd: dir, timeoutMs: 8000 });
    assert.is(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`cannot reach the broker ${url.replace(/\./g, '\\.')}: .*ECONNREFUSED`), args[0]);
  }
  // Nothing was started: the same command may simply be run again, without --resume.
  assert.equal(fs.readdirSync(path.join(dir, 'state')).filter((f) => !f.startsWith('.')), []);
});

flags('a feature the broker does not hold: exit 1, naming those it does', async () => {
  const redis = await startRedis();
  try {
    const r = await runCli(['status', '--broker', redis.url, '--feature', 'nothing-here'], { cwd: dir });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`no run of nothing-here on the broker ${redis.url.replace(/\./g, '\\.')}; it holds no runs`));
  } finally {
    await redis.stop();
  }
});

flags.run();
