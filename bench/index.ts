/**
 * `npm run bench`: every benchmark of the project, printed. Figures only, no assertions: timings
 * depend on the machine (and on what else runs on it).
 */
import * as os from 'node:os';
import { benchBroker, formatBrokerFigures, redisAvailable } from './broker';
import { benchDashboard, benchLargeRun, benchWatchComplete, formatDashboardFigures, formatLargeRunFigures, formatWatchFigures } from './dashboard';
import { benchLive, benchSnapshotCost, formatLiveFigures } from './live';
import { benchPipeline, formatPipelineFigures } from './pipeline';
import { benchProcesses, formatProcessFigures } from './process';
import { benchSketch, formatSketchFigures } from './sketch';

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB\n`);
  console.log(formatProcessFigures(benchProcesses()));
  console.log(`\n${formatLiveFigures(await benchLive(), benchSnapshotCost())}`);
  console.log(`\n${formatPipelineFigures(await benchPipeline())}`);
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
