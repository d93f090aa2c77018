/**
 * `mahabharatha metrics export [--out FILE]`: the feature's `FeatureMetrics` as snake_case JSON
 * (the seed's `export_json`), computed by the same one-shot read as `status`, to a file (written
 * atomically, parent directories created) or to stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { FeatureMetrics } from '../metrics/types';
import { loadRun } from '../pipeline/loadRun';
import { writeFileAtomic } from '../state/atomicWrite';
import { EXIT, RuntimeError } from './exit';
import { checkNaiveTz, resolveFeature } from './statusText';

export interface MetricsExportOptions {
  feature?: string;
  stateDir?: string;
  naiveTz?: string;
  out?: string;
}

export interface ExportIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

const processIo = (): ExportIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now });

export async function metricsExportCommand(opts: MetricsExportOptions, io: ExportIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') throw new RuntimeError(`feature ${resolved.feature} has not run yet: no metrics to export`);
  const loaded = await loadRun({ feature: resolved.feature, stateDir: resolved.stateDir, naiveTz: opts.naiveTz, now: io.now() });
  if (E.isLeft(loaded)) throw new RuntimeError(loaded.left.message);
  const json = `${JSON.stringify(FeatureMetrics.encode(loaded.right.snapshot.metrics), null, 2)}\n`;
  if (opts.out === undefined || opts.out === '-') {
    io.stdout.write(json);
    return EXIT.ok;
  }
  const out = path.resolve(opts.out);
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, json);
  } catch (err) {
    throw new RuntimeError(`cannot write ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  io.stderr.write(`metrics of ${resolved.feature} written to ${opts.out}\n`);
  return EXIT.ok;
}
