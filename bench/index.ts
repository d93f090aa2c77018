/**
 * `npm run bench`: every benchmark of the project, printed. Figures only, no assertions: timings
 * depend on the machine (and on what else runs on it).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchBroker, formatBrokerFigures, redisAvailable } from './broker';
import { benchDashboard, benchLargeRun, benchWatchComplete, formatDashboardFigures, formatLargeRunFigures, formatWatchFigures } from './dashboard';
import { benchLive, benchSnapshotCost, formatLiveFigures } from './live';
import { benchProcesses, formatProcessFigures } from './process';
import { benchSketch, formatSketchFigures } from './sketch';

/**
 * What `npx tsx bench/<name>.ts` prints, run in a process of its own: the pipeline's figures time
 * the reducer on the bench's own heap, which the benchmarks before it would otherwise leave grown
 * and full of their garbage for the collector to visit while it is timed.
 */
function inOwnProcess(name: string): string {
  const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, `${name}.ts`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench/${name}.ts exited with ${child.status ?? child.signal}`);
  return child.stdout.trimEnd();
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB\n`);
  console.log(formatProcessFigures(benchProcesses()));
  console.log(`\n${formatLiveFigures(await benchLive(), benchSnapshotCost())}`);
  console.log(`\n${inOwnProcess('pipeline')}`);
  console.log(`\npercentile series\n${formatSketchFigures(benchSketch())}`);
  console.log(`\n${formatDashboardFigures(await benchDashboard())}`);
  console.log(`\n${formatLargeRunFigures(await benchLargeRun())}`);
  console.log(`\n${formatWatchFigures(await benchWatchComplete())}`);
  if (redisAvailable()) console.log(`\n${formatBrokerFigures(await benchBroker())}`);
  else console.log('\nbroker: skipped (no redis-server; apt-get install -y redis-server)');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
