/**
 * What is said about input that could not be folded (DESIGN §8): a bad line of the log is
 * quarantined in `{feature}.rejected.jsonl` (persist mode) and warned about with its position; a
 * figure out of range in the state file or from the orchestrator is warned about. Every one of
 * them is also counted, by the reducer, under `ingest`.
 */
import type { FoldInput, RejectedInput } from '../sources/inputs';
import { eventsPath, rejectedPath, statePath } from '../state/layout';
import type { MetricsProcessorOptions } from './processorOptions';
import { RejectedLinesWriter } from './rejectedLines';
import type { Warner } from './warnings';

/** How the warning about a line that could not be used begins (a report lists these under their count). */
export const BAD_LINE_WARNING = 'skipped a bad line';

/** The quarantine of a processor that owns the state dir (null otherwise); the replay restarts at `resumeFrom`. */
export function quarantineOf(options: MetricsProcessorOptions, resumeFrom: number, warner: Warner): RejectedLinesWriter | null {
  if (!options.persist) return null;
  return new RejectedLinesWriter(rejectedPath(options.stateDir, options.feature), {
    now: options.now ?? Date.now,
    resumeFrom,
    onProblem: (m) => warner.warn(m),
    ...(options.rejectedCapBytes !== undefined ? { capBytes: options.rejectedCapBytes } : {}),
  });
}

export interface BadInputContext {
  readonly feature: string;
  readonly stateDir: string;
  readonly warner: Warner;
  readonly quarantine: RejectedLinesWriter | null;
}

export function reportRejected(input: RejectedInput, { feature, stateDir, warner, quarantine }: BadInputContext): void {
  if (input.reason === 'unknown_type') return; // a newer producer's event: counted, not quarantined
  if (input.from === 'checkpoint') return; // said when the checkpoint was read; not a line to quarantine
  if (input.from === 'state') {
    warner.warn(`state file ${statePath(stateDir, feature)}: ${input.detail} (out_of_range)`);
    return;
  }
  if (input.from === 'in_process') {
    warner.warn(`an event of the orchestrator was not folded: ${input.detail} (out_of_range)`);
    return;
  }
  quarantine?.add(input);
  const where = input.offset !== undefined ? ` at byte ${input.offset}` : '';
  warner.warn(`${BAD_LINE_WARNING}${where} of ${eventsPath(stateDir, feature)} (${input.reason}): ${input.detail}`);
}

/** Reports the rejected inputs of a decoded batch (a `tap` of the fold). */
export const reportBadInput =
  (context: BadInputContext) =>
  (batch: readonly FoldInput[]): void => {
    for (const input of batch) if (input.kind === 'rejected') reportRejected(input, context);
  };
