/**
 * `persistThrottled(save, options)`: the persistence policy of DESIGN §2.
 *
 * - Throttled, not debounced: `auditTime(interval)` writes the latest value at most once per
 *   interval *while* values keep arriving (`debounceTime` would never write during a busy run).
 * - Values `immediately` selects (a level completed) are written at once.
 * - One write at a time (`concatMap`), each with its own `catchError`: a failed write is reported
 *   as an outcome, it does not end the stream, and later saves go on. If nothing newer arrives to
 *   trigger another save, the failed value is written again after `retryAfterMs`.
 */
import {
  auditTime,
  catchError,
  concatMap,
  connect,
  defer,
  endWith,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  type ObservableInput,
  of,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  switchMap,
  takeUntil,
  tap,
  timer,
  asyncScheduler,
} from 'rxjs';

export type PersistOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly value: T; readonly error: unknown };

export interface PersistOptions<T> {
  /** At most one throttled write per this many ms. */
  readonly intervalMs: number;
  /** Values written at once, without waiting for the interval. */
  readonly immediately?: (value: T) => boolean;
  /** After a failed write, with nothing newer to save, try again after this long (default: the interval). */
  readonly retryAfterMs?: number;
  readonly scheduler?: SchedulerLike;
}

export function persistThrottled<T>(save: (value: T) => ObservableInput<unknown>, options: PersistOptions<T>): OperatorFunction<T, PersistOutcome<T>> {
  const { intervalMs, immediately = () => false, scheduler = asyncScheduler } = options;
  const retryAfterMs = options.retryAfterMs ?? intervalMs;
  const write = (value: T) =>
    defer(() => from(save(value))).pipe(
      map((): PersistOutcome<T> => ({ ok: true, value })),
      catchError((error: unknown) => of<PersistOutcome<T>>({ ok: false, value, error })),
    );
  return (source) =>
    source.pipe(
      connect((value$) => {
        const failed$ = new Subject<T>();
        const ended$ = value$.pipe(ignoreElements(), endWith(true));
        // A newer value cancels a pending retry: the throttled save will write it anyway.
        const retries$ = failed$.pipe(
          switchMap((value) => timer(retryAfterMs, scheduler).pipe(map(() => value), takeUntil(value$))),
          takeUntil(ended$),
        );
        const triggers$ = merge(value$.pipe(auditTime(intervalMs, scheduler)), value$.pipe(filter(immediately)), retries$);
        return triggers$.pipe(
          concatMap(write),
          tap((outcome) => {
            if (!outcome.ok) failed$.next(outcome.value);
          }),
        );
      }),
    );
}
