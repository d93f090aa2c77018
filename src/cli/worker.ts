/**
 * `mahabharatha worker --broker URL --feature F [--slots K] [--cwd DIR] [--claim-timeout S]`: joins
 * a run from any host (DESIGN §9) and works until the run ends. SIGINT/SIGTERM leave at once:
 * running attempts are recorded as interrupted and left for another worker. Exit 0 when the run
 * ended, 130/143 when stopped by a signal, 2 for a wrong flag.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startBrokerWorker } from '../broker/worker';
import { brokerFrom } from '../broker/url';
import { printable } from '../events/printable';
import { EXIT, RuntimeError, UsageError } from './exit';

export interface WorkerCommandOptions {
  broker?: string;
  feature?: string;
  slots: number;
  cwd?: string;
  claimTimeout: number;
}

export async function workerCommand(opts: WorkerCommandOptions): Promise<number> {
  const broker = brokerFrom(opts.broker, process.env);
  if (E.isLeft(broker)) throw new UsageError(broker.left);
  if (broker.right === null) throw new UsageError('worker needs --broker redis://HOST:PORT[/DB] (or $MAHABHARATHA_BROKER)');
  const feature = (opts.feature ?? process.env.MAHABHARATHA_FEATURE ?? '').trim();
  if (feature === '') throw new UsageError('worker needs --feature F (or $MAHABHARATHA_FEATURE)');
  const cwd = path.resolve(opts.cwd ?? '.');
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--cwd ${printable(opts.cwd ?? '.')}: not a directory`);

  const worker = startBrokerWorker({
    url: broker.right,
    feature,
    slots: opts.slots,
    cwd,
    claimTimeoutMs: opts.claimTimeout * 1000,
    say: (line) => process.stdout.write(`${printable(line)}\n`),
  });
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals): void => {
    signal ??= s;
    worker.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let error: string | null;
  try {
    ({ error } = await worker.done);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (error !== null) throw new RuntimeError(printable(error));
  if (signal === 'SIGTERM') return EXIT.sigterm;
  if (signal === 'SIGINT') return EXIT.sigint;
  return EXIT.ok;
}
