/**
 * `mahabharatha status --check [--json]`: the run's outcome as the exit code (DESIGN §10, see
 * `checkOutcome`), with one line saying it (or, with `--json`, the whole status document, whose
 * `status` and `stalled_workers` carry the same verdict). Reads like `status`, writes nothing.
 */
import { printableLine } from '../events/printable';
import { emptySnapshot } from '../metrics/snapshotOf';
import { DEFAULT_STALL_AFTER_MS } from '../metrics/runFacts';
import { checkOutcome, type CheckOutcome } from '../views/checkOutcome';
import { plural } from '../views/format';
import { statusJsonWriter } from '../views/json';
import { runFactsOf } from '../views/statusModel';
import type { StatusOptions } from './options';
import { processIo, type JsonCommandIo } from './jsonCommandIo';
import { checkNaiveTz, readRun } from './readRun';
import { resolveFeature } from './resolveFeature';

export async function statusCheckCommand(opts: StatusOptions, io: JsonCommandIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const resolved = resolveFeature(opts, io.env);
  const now = io.now();
  const stallAfterMs = opts.stallAfter === undefined ? DEFAULT_STALL_AFTER_MS : opts.stallAfter * 1000;
  const loaded = resolved.kind === 'graph-only' ? null : await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker, stallAfterMs);
  const snapshot = loaded?.snapshot ?? emptySnapshot(resolved.feature, now);
  const graph = resolved.kind === 'graph-only' ? resolved.graph : (loaded?.graph ?? null);
  const orchestratorGone = loaded?.orchestratorGone ?? false;
  // The run's status as its facts give it: `abandoned` when its orchestrator is gone.
  const { status } = runFactsOf(snapshot, { now, graph, orchestratorGone });
  const outcome = checkOutcome(snapshot, { now, stallAfterMs, status });
  if (opts.json) {
    // Printed in pieces, as `status --json` prints it: a large run's document is not held whole.
    statusJsonWriter(snapshot, { feature: resolved.feature, graph, now, stallAfterMs, orchestratorGone })((text) => io.stdout.write(text));
  } else {
    io.stdout.write(`${printableLine(resolved.feature)}: ${checkLine(outcome)}\n`);
  }
  return outcome.exitCode;
}

/** "running, 2 workers stalled (3, 4)", "complete", ... */
function checkLine(outcome: CheckOutcome): string {
  const stalled = outcome.stalledWorkers;
  if (stalled.length === 0) return outcome.status;
  return `${outcome.status}, ${plural(stalled.length, 'worker')} stalled (${stalled.join(', ')})`;
}
