/**
 * `mahabharatha metrics export [--format json|trace|csv] [--out FILE|-]`, computed by the same
 * one-shot read as `status`, to a file (written atomically, parent directories created) or to
 * stdout: `json` the feature's `FeatureMetrics` as snake_case JSON (the seed's `export_json`),
 * `trace` Chrome trace-event JSON of every attempt (Perfetto, chrome://tracing), `csv` one row per
 * attempt.
 */
import * as path from 'node:path';
import { printable, printableJson, printableLine } from '../events/printable';
import type { RunSnapshot } from '../metrics/snapshot';
import { FeatureMetrics } from '../metrics/types';
import { renderAttemptsCsv } from '../views/csvExport';
import { plural } from '../views/format';
import { renderTrace } from '../views/traceExport';
import { writeFileAtomic } from '../state/atomicWrite';
import { refuseUnsafeTarget, UnsafeFileError } from '../state/safeFiles';
import { makeDirs } from '../state/makeDirs';
import { EXIT, RuntimeError } from './exit';
import { processIo, type JsonCommandIo } from './jsonCommandIo';
import { checkNaiveTz, readRun } from './readRun';
import { resolveFeature } from './resolveFeature';

export interface MetricsExportOptions {
  feature?: string;
  stateDir?: string;
  naiveTz?: string;
  out?: string;
  broker?: string;
  format?: ExportFormat;
}

export const EXPORT_FORMATS = ['json', 'trace', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The export as written: the JSON formats with nothing a terminal would act on (the same values),
 * the CSV with control characters shown escaped (`\x1b`), as every printer shows them.
 */
const render = (format: ExportFormat, snapshot: RunSnapshot, now: number): string =>
  format === 'trace'
    ? printableJson(renderTrace(snapshot, now))
    : format === 'csv'
      ? printable(renderAttemptsCsv(snapshot, now))
      : `${printableJson(JSON.stringify(FeatureMetrics.encode(snapshot.metrics), null, 2))}\n`;

export async function metricsExportCommand(opts: MetricsExportOptions, io: JsonCommandIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') throw new RuntimeError(`feature ${resolved.feature} has not run yet: no metrics to export`);
  const now = io.now();
  const { snapshot } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker);
  const format = opts.format ?? 'json';
  const json = render(format, snapshot, now);
  if (format !== 'json' && snapshot.attemptsDropped > 0) {
    io.stderr.write(`mahabharatha: only the first ${snapshot.attempts.length} attempts were recorded; ${plural(snapshot.attemptsDropped, 'later attempt')} not in the export\n`);
  }
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
  io.stderr.write(`${format === 'json' ? 'metrics' : format} of ${printableLine(resolved.feature)} written to ${printableLine(opts.out)}\n`);
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
