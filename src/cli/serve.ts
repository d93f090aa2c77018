/**
 * `mahabharatha status --serve PORT [--host ADDR]`: a feature's metrics for Prometheus at
 * `http://ADDR:PORT/metrics`, following its events log like the dashboard (read-only, nothing
 * written), until SIGINT/SIGTERM.
 */
import { createMetricsProcessor } from '../pipeline/processor';
import type { RunSnapshot } from '../metrics/snapshot';
import { readTaskGraph } from '../graph/readGraph';
import { DEFAULT_STATE_DIR, upstreamGraphPath } from '../state/layout';
import { printableLine } from '../events/printable';
import { runRegistry } from '../views/prometheus';
import { EXIT } from './exit';
import type { StatusOptions } from './options';
import { checkPort, DEFAULT_HOST, startMetricsServer } from './metricsServer';
import { checkNaiveTz } from './readRun';
import { featureToWatch } from './watch';

export async function serveCommand(opts: StatusOptions): Promise<number> {
  const port = opts.serve as number;
  checkPort(port, '--serve');
  checkNaiveTz(opts.naiveTz);
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const feature = featureToWatch(opts.feature, stateDir, process.env);
  const host = opts.host ?? DEFAULT_HOST;
  const graph = readTaskGraph(upstreamGraphPath(stateDir, feature)).graph;

  let latest: RunSnapshot | null = null;
  const server = await startMetricsServer(runRegistry(() => ({ snapshot: latest, feature, graph, now: Date.now() })), host, port);
  const processor = createMetricsProcessor({
    feature,
    stateDir,
    sources: { eventsLog: { follow: true }, stateFile: true },
    persist: false,
    // No `onWarning`: the processor's own warner prints them, rate-limited and escaped (`printable`).
    ...(opts.naiveTz !== undefined ? { naiveTz: opts.naiveTz } : {}),
  });
  const subscription = processor.snapshot$.subscribe((s) => (latest = s));
  process.stderr.write(`mahabharatha: serving the metrics of ${printableLine(feature)} on ${server.url} (Ctrl-C to stop)\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = (s: NodeJS.Signals): void => {
      for (const each of signals) process.removeListener(each, onSignal);
      resolve(s);
    };
    for (const s of signals) process.on(s, onSignal);
  });
  subscription.unsubscribe();
  await Promise.all([server.close(), processor.close()]);
  return signal === 'SIGINT' ? EXIT.sigint : signal === 'SIGTERM' ? EXIT.sigterm : EXIT.ok;
}
