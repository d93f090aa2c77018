/**
 * `accumulateMetrics()`: the one `scan` of the pipeline, folding inputs into a RunState with the
 * pure reducer. The state is updated in place for speed, so it is created per subscription, inside
 * `defer` — two subscriptions never share an accumulator. Inputs arrive in batches (the lines of
 * one read); a cursor (the same object each time) is emitted after each batch: the state, and the
 * batch just folded in.
 */
import { defer, type Observable, type OperatorFunction } from 'rxjs';
import { scan, startWith } from 'rxjs/operators';
import { reduce } from '../metrics/reducer';
import type { RunState } from '../metrics/runState';
import type { FoldInput } from '../sources/inputs';

export interface RunCursor {
  run: RunState;
  /** The inputs folded by the last step (empty before any). */
  batch: readonly FoldInput[];
  /** Inputs folded by this subscription. */
  folded: number;
}

/** One input into the state (exported for tests: the fold without RxJS). */
export function foldInput(run: RunState, input: FoldInput): RunState {
  if (input.kind === 'reset') {
    // The log restarted: positions restart at 0, or a restart would skip the new file's head.
    run.eventsOffset = 0;
    return reduce(run, { kind: 'count', counter: 'logTruncations' });
  }
  return reduce(run, input);
}

/** A batch into the cursor. */
export function foldBatch(cursor: RunCursor, batch: readonly FoldInput[]): RunCursor {
  let run = cursor.run;
  for (let i = 0; i < batch.length; i++) run = foldInput(run, batch[i] as FoldInput);
  cursor.run = run;
  cursor.batch = batch;
  cursor.folded += batch.length;
  return cursor;
}

/**
 * `createState` is called once per subscription (a restored checkpoint or a fresh state). The
 * initial cursor is emitted first, so readers have a state before any input.
 */
export function accumulateMetrics(createState: () => RunState): OperatorFunction<readonly FoldInput[], RunCursor> {
  return (source: Observable<readonly FoldInput[]>) =>
    defer(() => {
      const cursor: RunCursor = { run: createState(), batch: [], folded: 0 };
      return source.pipe(scan(foldBatch, cursor), startWith(cursor));
    });
}
