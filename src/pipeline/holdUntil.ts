/**
 * `holdUntil(open$)`: subscribes to the source at once (so nothing a hot source emits is lost) but
 * passes its values on only after `open$` emits, the held ones first, in order. The processor
 * holds in-process events until the events log has been replayed.
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { take } from 'rxjs/operators';

export function holdUntil<T>(open$: Observable<unknown>): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let held: T[] | null = [];
      let sourceDone = false;
      const release = (): void => {
        if (held === null) return;
        const values = held;
        held = null;
        for (const v of values) subscriber.next(v);
        if (sourceDone) subscriber.complete();
      };
      const openSub = open$.pipe(take(1)).subscribe({ next: release, complete: release, error: (err: unknown) => subscriber.error(err) });
      const sourceSub = source.subscribe({
        next: (v) => (held === null ? subscriber.next(v) : held.push(v)),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (held === null) subscriber.complete();
        },
      });
      return () => {
        openSub.unsubscribe();
        sourceSub.unsubscribe();
      };
    });
}
