/**
 * `mahabharatha status` (one-shot text, DESIGN §6): find the feature, read its state and events
 * without writing anything, print the status.
 */
import * as fs from 'node:fs';
import { BAD_LINE_WARNING } from '../pipeline/processor';
import { rejectedPath, START_HINT } from '../state/layout';
import { statusModel, UnknownLevelError } from '../views/statusModel';
import { renderGraphSummary, renderStatus } from '../views/text';
import { wantsColor } from './colorChoice';
import { EXIT, RuntimeError } from './exit';
import type { StatusOptions } from './options';
import { checkNaiveTz, readRun } from './readRun';
import { resolveFeature } from './resolveFeature';

/** What the command touches of the outside world; tests pass their own. */
export interface StatusIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  /** Force colour on or off (tests); otherwise a TTY without NO_COLOR / --no-color / TERM=dumb. */
  readonly color?: boolean;
  /** Zone of the clock times printed; default this machine's. */
  readonly timeZone?: string;
}

const processIo = (): StatusIo => ({ stdout: process.stdout, env: process.env, now: Date.now });

/** DESIGN §6: colour only on a terminal that can show it, and only when wanted. */
function useColor(opts: Pick<StatusOptions, 'color'>, io: StatusIo): boolean {
  return io.color ?? (wantsColor(opts, io.env) && io.env.TERM !== 'dumb' && io.stdout.isTTY === true);
}

export async function statusTextCommand(opts: StatusOptions, io: StatusIo = processIo()): Promise<number> {
  checkNaiveTz(opts.naiveTz);
  const color = useColor(opts, io);
  const resolved = resolveFeature(opts, io.env);
  if (resolved.kind === 'graph-only') {
    if (opts.level !== undefined) throw new RuntimeError(`feature ${resolved.feature} has not run yet: no level to show; ${START_HINT}`);
    io.stdout.write(renderGraphSummary(resolved.graph, { color, graphPath: resolved.graphPath }));
    return EXIT.ok;
  }

  const now = io.now();
  const { snapshot, graph, warnings, moreWarnings, orchestratorGone } = await readRun(resolved.feature, resolved.stateDir, opts.naiveTz, now, resolved.broker);

  let model;
  try {
    model = statusModel(snapshot, {
      now,
      graph,
      orchestratorGone,
      // A rejected line is told once: under the count of rejected lines, not again as a warning.
      warnings: warnings.filter((w) => !w.startsWith(BAD_LINE_WARNING)),
      badLines: warnings.filter((w) => w.startsWith(BAD_LINE_WARNING)).map((w) => w.slice(BAD_LINE_WARNING.length).trim()),
      moreWarnings,
      ...(opts.level !== undefined ? { level: opts.level } : {}),
    });
  } catch (err) {
    if (err instanceof UnknownLevelError) throw new RuntimeError(`${resolved.feature}: ${err.message}`);
    throw err;
  }
  const rejected = rejectedPath(resolved.stateDir, resolved.feature);
  io.stdout.write(
    renderStatus(model, {
      color,
      ...(io.timeZone !== undefined ? { timeZone: io.timeZone } : {}),
      ...(fs.existsSync(rejected) ? { rejectedFile: rejected } : {}),
      ...(io.stdout.columns ? { width: io.stdout.columns } : {}),
    }),
  );
  return EXIT.ok;
}
