/**
 * `accumulateMetrics()`: the one `scan` of the pipeline, folding inputs into a RunState with the
 * pure reducer. The state is updated in place for speed, so it is created per subscription, inside
 * `defer` — two subscriptions never share an accumulator. Emits a cursor (the same object each
 * time): the state after the input, and that input.
 */
import { defer, type Observable, type OperatorFunction } from 'rxjs';
import { scan, startWith } from 'rxjs/operators';
import { reduce, type RunState } from '../metrics/reducer';
import type { FoldInput } from './inputs';

export interface RunCursor {
  run: RunState;
  /** The input folded last (null: none yet). */
  last: FoldInput | null;
  /** Inputs folded by this subscription. */
  folded: number;
}

/** One input into the cursor (exported for the bench and tests: the fold without RxJS). */
export function foldInput(cursor: RunCursor, input: FoldInput): RunCursor {
  const run = cursor.run;
  if (input.kind === 'reset') {
    // The log restarted: positions restart at 0, or a restart would skip the new file's head.
    run.eventsOffset = 0;
    cursor.run = reduce(run, { kind: 'count', counter: 'logTruncations' });
  } else {
    cursor.run = reduce(run, input);
    // The reducer tracks the position of events; a rejected or duplicate line moves it too.
    if (input.kind !== 'event' && input.offset !== undefined && input.offset > cursor.run.eventsOffset) cursor.run.eventsOffset = input.offset;
  }
  cursor.last = input;
  cursor.folded += 1;
  return cursor;
}

/**
 * `createState` is called once per subscription (a restored checkpoint or a fresh state). The
 * initial cursor is emitted first, so readers have a state before any input.
 */
export function accumulateMetrics(createState: () => RunState): OperatorFunction<FoldInput, RunCursor> {
  return (source: Observable<FoldInput>) =>
    defer(() => {
      const cursor: RunCursor = { run: createState(), last: null, folded: 0 };
      return source.pipe(scan(foldInput, cursor), startWith(cursor));
    });
}
