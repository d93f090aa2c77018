/**
 * `mahabharatha status --json`: one JSON document on stdout (DESIGN §6), logs on stderr, nothing
 * written anywhere. Exit 1 (RuntimeError) when there is nothing to show, with what to do; exit 2
 * (UsageError) for a bad flag value.
 */
import * as E from 'fp-ts/Either';
import { isValidZone } from '../events/timestamp';
import { createRunState, snapshotOf } from '../metrics/reducer';
import { loadRun } from '../pipeline/loadRun';
import { renderStatusJson } from '../views/json';
import { EXIT, RuntimeError, UsageError } from './exit';
import type { StatusOptions } from './main';
import { resolveFeature } from './statusText';

export interface StatusJsonIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

const processIo = (): StatusJsonIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now });

export async function statusJsonCommand(opts: StatusOptions, io: StatusJsonIo = processIo()): Promise<number> {
  if (opts.naiveTz !== undefined && !isValidZone(opts.naiveTz)) {
    throw new UsageError(`--naive-tz: unknown time zone ${JSON.stringify(opts.naiveTz)} (use an IANA name like Europe/Berlin, UTC, or an offset like +02:00)`);
  }
  const resolved = resolveFeature(opts, io.env);
  const now = io.now();
  if (resolved.kind === 'graph-only') {
    // Planned but not run: the graph's tasks, all pending.
    io.stdout.write(renderStatusJson(snapshotOf(createRunState(resolved.feature), now), { feature: resolved.feature, graph: resolved.graph }));
    return EXIT.ok;
  }
  const loaded = await loadRun({ feature: resolved.feature, stateDir: resolved.stateDir, naiveTz: opts.naiveTz, now });
  if (E.isLeft(loaded)) throw new RuntimeError(loaded.left.message);
  const { snapshot, graph, warnings } = loaded.right;
  for (const w of warnings) io.stderr.write(`mahabharatha: ${w}\n`);
  io.stdout.write(renderStatusJson(snapshot, { feature: resolved.feature, graph }));
  return EXIT.ok;
}
