/**
 * The replay gate: a processor is `ready` once every source that replays what exists (the events
 * log, the state file, a broker's stream) has caught up once, and in-process events are held until
 * the log has been replayed (they follow it, and are deduped against it). Sources mark the end of
 * their replay with a `caught_up` input; the gate takes the markers out of the batches — they are
 * not folded — and acts on them after the batch that carries them has gone on (a promise, an asap
 * release), so never ahead of that batch's inputs.
 */
import { filter, map, type Observable, type OperatorFunction, ReplaySubject } from 'rxjs';
import type { CaughtUpInput, FoldInput, LineInput, SourceInput } from '../sources/inputs';

export class ReplayGate {
  /** Resolves when every replay has caught up (or the fold ended); rejects with what kept it from reading. */
  readonly ready: Promise<void>;
  /** Emits once the events log has been replayed. */
  readonly logReplayed$ = new ReplaySubject<void>(1);
  /** Emits and completes when every replay has caught up (or the fold ended). */
  readonly replayed$: Observable<void>;
  /** Set once `ready` has resolved: what happens from then on is the live run, not its replay. */
  live = false;
  private readonly replayedSubject = new ReplaySubject<void>(1);
  private readonly caughtUp = new Set<CaughtUpInput['source']>();
  private resolve!: () => void;
  private reject!: (err: unknown) => void;

  /** `replays`: how many sources replay before the run is live. */
  constructor(private replays: number) {
    this.replayed$ = this.replayedSubject.asObservable();
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.ready.then(
      () => {
        this.live = true;
      },
      () => undefined, // observed by whoever awaits it; never an unhandled rejection
    );
  }

  /** Nothing (more) to wait for: ready, unless it failed first. */
  open(): void {
    this.resolve();
    this.replayedSubject.next();
    this.replayedSubject.complete();
  }

  /** Opens at once when no source replays anything. */
  openIfNothingToReplay(): void {
    if (this.replays === 0) this.open();
  }

  fail(err: unknown): void {
    this.reject(err);
  }

  /** A source has caught up (only its first marker counts). */
  sourceCaughtUp(source: CaughtUpInput['source']): void {
    if (this.caughtUp.has(source)) return;
    this.caughtUp.add(source);
    if (source === 'log') this.logReplayed$.next();
    this.replays -= 1;
    if (this.replays === 0) this.open();
  }

  /** The batch without its markers, each noted. */
  takeMarkers(batch: readonly SourceInput[]): (LineInput | FoldInput)[] {
    let markers = 0;
    for (const input of batch) {
      if (input.kind !== 'caught_up') continue;
      this.sourceCaughtUp(input.source);
      markers += 1;
    }
    // A marker comes about once per replay: most batches go on as they are.
    return markers === 0 ? (batch as (LineInput | FoldInput)[]) : batch.filter((input): input is LineInput | FoldInput => input.kind !== 'caught_up');
  }
}

/** Batches through the gate: markers noted and taken out, batches left empty dropped. */
export function throughReplayGate(gate: ReplayGate): OperatorFunction<readonly SourceInput[], (LineInput | FoldInput)[]> {
  return (source) =>
    source.pipe(
      map((batch) => gate.takeMarkers(batch)),
      filter((batch) => batch.length > 0),
    );
}
