/**
 * The in-process source: the orchestrator calls `emit(event, offset)` for every lifecycle moment it
 * has just appended to the events log; the metrics processor subscribes to `events$`.
 */
import { Observable, Subject } from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';

export interface PositionedEvent {
  readonly event: LifecycleEvent;
  /** Byte offset in the events log just after this event's line, when it was written there. */
  readonly offset?: number;
  /** The broker stream entry it came from, when it did. */
  readonly streamId?: string;
}

export class OrchestratorEvents {
  private readonly subject = new Subject<PositionedEvent>();
  readonly events$: Observable<PositionedEvent> = this.subject.asObservable();

  emit(event: LifecycleEvent, offset?: number, streamId?: string): void {
    this.subject.next({ event, ...(offset !== undefined ? { offset } : {}), ...(streamId !== undefined ? { streamId } : {}) });
  }

  complete(): void {
    this.subject.complete();
  }
}
