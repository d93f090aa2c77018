/**
 * `mahabharatha metrics export [--out FILE]`: the feature's `FeatureMetrics` as snake_case JSON
 * (the seed's `export_json`), computed by the same one-shot read as `status`, to a file (written
 * atomically, parent directories created) or to stdout.
 */
import * as path from 'node:path';
import { printable, printableJson } from '../events/printable';
import { FeatureMetrics } from '../metrics/types';
import { writeFileAtomic } from '../state/atomicWrite';
import { refuseUnsafeTarget, UnsafeFileError } from '../state/safeFiles';
import { makeDirs } from '../state/makeDirs';
import { EXIT, RuntimeError } from './exit';
import { type JsonCommandIo, processIo } from './statusJson';
import { checkNaiveTz, readRun, resolveFeature } from './statusText';

export interface MetricsExportOptions {
  feature?: string;
  stateDir?: string;
  naiveTz?: string;
  out?: string;
  broker?: string;
}

export async function metricsExportCommand(opts: MetricsExportOptions, io: JsonCommandIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') throw new RuntimeError(`feature ${resolved.feature} has not run yet: no metrics to export`);
  const { snapshot } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, io.now(), resolved.broker);
  const json = `${printableJson(JSON.stringify(FeatureMetrics.encode(snapshot.metrics), null, 2))}\n`;
  if (opts.out === undefined || opts.out === '-') {
    io.stdout.write(json);
    return EXIT.ok;
  }
  const out = path.resolve(opts.out);
  checkOut(opts.out, out);
  try {
    makeDirs(path.dirname(out));
    await writeFileAtomic(out, json);
  } catch (err) {
    throw new RuntimeError(`cannot write ${opts.out}: ${(err as Error).message}`);
  }
  io.stderr.write(`${printable(`metrics of ${resolved.feature} written to ${opts.out}`)}\n`);
  return EXIT.ok;
}

/** `--out` replaces only a regular file (DESIGN §8): never a symlink, a FIFO or a device; `-` is stdout. */
function checkOut(given: string, out: string): void {
  try {
    refuseUnsafeTarget(out);
  } catch (err) {
    if (!(err instanceof UnsafeFileError)) throw err;
    if (err.what === 'a directory') throw new RuntimeError(`cannot write ${given}: it is a directory; give a file name (e.g. ${path.join(given, 'metrics.json')})`);
    throw new RuntimeError(`cannot write ${given}: it is ${err.what}; --out replaces only a regular file (use --out - for stdout)`);
  }
}
