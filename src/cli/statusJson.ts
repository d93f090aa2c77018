/**
 * `mahabharatha status --json`: one JSON document on stdout (DESIGN §6), logs on stderr, nothing
 * written anywhere. Exit 1 (RuntimeError) when there is nothing to show, with what to do; exit 2
 * (UsageError) for a bad flag value.
 */
import { printable } from '../events/printable';
import { emptySnapshot } from '../metrics/snapshotOf';
import { plural } from '../views/format';
import { statusJsonWriter } from '../views/json';
import { UnknownLevelError } from '../views/statusModel';
import { EXIT, RuntimeError } from './exit';
import type { StatusOptions } from './options';
import { processIo, type JsonCommandIo } from './jsonCommandIo';
import { checkNaiveTz, readRun } from './readRun';
import { resolveFeature } from './resolveFeature';

export async function statusJsonCommand(opts: StatusOptions, io: JsonCommandIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  const now = io.now();
  const level = opts.level !== undefined ? { level: opts.level } : {};
  if (resolved.kind === 'graph-only') {
    // Planned but not run: the graph's tasks, all pending.
    const writeDocument = asDocument(resolved.feature, () => statusJsonWriter(emptySnapshot(resolved.feature, now), { feature: resolved.feature, graph: resolved.graph, now, ...level }));
    writeDocument((text) => io.stdout.write(text));
    return EXIT.ok;
  }
  const { snapshot, graph, warnings, moreWarnings, orchestratorGone } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker);
  // Printed in pieces: a large run's document is not held whole.
  const writeDocument = asDocument(resolved.feature, () => statusJsonWriter(snapshot, { feature: resolved.feature, graph, now, orchestratorGone, ...level }));
  for (const w of warnings) io.stderr.write(`mahabharatha: ${printable(w)}\n`);
  if (moreWarnings > 0) io.stderr.write(`mahabharatha: … ${plural(moreWarnings, 'more warning')}\n`);
  writeDocument((text) => io.stdout.write(text));
  return EXIT.ok;
}

/** The document, or the one-line error (exit 1) of a `--level` the run does not have, as `status --level` says it. */
function asDocument<T>(feature: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof UnknownLevelError) throw new RuntimeError(`${feature}: ${err.message}`);
    throw err;
  }
}
