/**
 * The processor's public streams (README "Library"), all read from the one multicast fold:
 * snapshots made at most once per interval (`sampleSnapshots`) and shared, the metric streams
 * selected from them, and the events folded in — late subscribers get the latest value of each.
 */
import { map, Observable, shareReplay, Subject } from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';
import type { RunSnapshot } from '../metrics/snapshot';
import type { RunCursor } from './accumulateMetrics';
import type { MetricsProcessor } from './processorOptions';
import { sampleSnapshots } from './sampleSnapshots';

export type MetricStreams = Pick<MetricsProcessor, 'snapshot$' | 'feature$' | 'levels$' | 'workers$' | 'tasks$' | 'ingest$'>;

export function metricStreams(cursor$: Observable<RunCursor>, toSnapshot: (cursor: RunCursor) => RunSnapshot, intervalMs: number): MetricStreams {
  const snapshot$ = cursor$.pipe(sampleSnapshots(intervalMs, toSnapshot), shareReplay({ bufferSize: 1, refCount: true }));
  const select = <A>(f: (s: RunSnapshot) => A): Observable<A> => snapshot$.pipe(map(f));
  return {
    snapshot$,
    feature$: select((s) => s.metrics),
    levels$: select((s) => s.metrics.levelMetrics),
    workers$: select((s) => s.metrics.workerMetrics),
    tasks$: select((s) => s.tasks),
    ingest$: select((s) => s.ingest),
  };
}

/** The events folded in (after dedupe), for `events$`; events are only passed on while someone listens. */
export class FoldedEvents {
  private readonly subject = new Subject<LifecycleEvent>();
  private last: LifecycleEvent | null = null;

  /** Late subscribers get the latest event first. */
  readonly events$ = new Observable<LifecycleEvent>((subscriber) => {
    if (this.last !== null) subscriber.next(this.last);
    return this.subject.subscribe(subscriber);
  });

  /** Passes on the events of the batch just folded (a `tap` of the fold). */
  readonly publish = (cursor: RunCursor): void => {
    for (const input of cursor.batch) {
      if (input.kind !== 'event') continue;
      this.last = input.event;
      if (this.subject.observed) this.subject.next(input.event);
    }
  };

  complete(): void {
    this.subject.complete();
  }

  error(err: unknown): void {
    this.subject.error(err);
  }
}
