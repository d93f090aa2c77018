/**
 * `status --check` (DESIGN §10): the run's outcome as an exit code a CI pipeline can gate on, and
 * which workers are stalled. Pure: the snapshot and the clock in, the verdict out. Stalled workers
 * are the dashboard's STALLED ones (`stalledWorkers`: heartbeats stopped for the stall bound).
 */
import { stalledWorkers } from '../metrics/runFacts';
import type { RunSnapshot } from '../metrics/snapshot';

/**
 * 0 complete, 3 failed, 4 stopped or abandoned, 5 running with a stalled worker (DESIGN §10);
 * 6 running with no worker stalled, or not started: not finished yet, so never read as success.
 */
export const CHECK_EXIT = { complete: 0, failed: 3, stopped: 4, stalled: 5, unfinished: 6 } as const;

export interface CheckOutcome {
  /** The run status as `--json` reports it. */
  readonly status: string;
  /** Ids of the workers stalled now, ascending. */
  readonly stalledWorkers: readonly number[];
  readonly exitCode: number;
}

export interface StallOptions {
  /** Epoch ms the check is made at. */
  readonly now: number;
  /** A worker whose heartbeats stopped this long ago is stalled. */
  readonly stallAfterMs: number;
  /** The run's status as its facts say (`abandoned` included); default the snapshot's. */
  readonly status?: string;
}

/** Whether the run can still move: only then is a silent worker holding anyone up. */
const isLive = (status: string): boolean => status === 'running' || status === 'pending';

export function checkOutcome(snapshot: RunSnapshot, options: StallOptions): CheckOutcome {
  // `abandoned` (an orchestrator gone without an end) is a stop the run did not record itself.
  const status = options.status ?? snapshot.status;
  // Stalled as the dashboard flags it (heartbeats stopped), and only in a run that can still move.
  const stalled = isLive(status) ? stalledWorkers(snapshot, options.now, options.stallAfterMs) : [];
  const exitCode =
    status === 'complete'
      ? CHECK_EXIT.complete
      : status === 'failed'
        ? CHECK_EXIT.failed
        : status === 'stopped' || status === 'abandoned'
          ? CHECK_EXIT.stopped
          : stalled.length > 0
            ? CHECK_EXIT.stalled
            : CHECK_EXIT.unfinished;
  return { status, stalledWorkers: stalled, exitCode };
}
