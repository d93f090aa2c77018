/**
 * What flows through the pipeline, from the sources to `scan`. Every input that came from the
 * events log carries its position (`offset`, the byte offset after its line) so that the stored
 * checkpoint covers it — rejected and duplicate lines too, or a restart would count them twice.
 */
import { outOfRange } from '../events/range';
import type { LifecycleEvent } from '../events/codecs';
import type { RejectionReason } from '../events/decode';
import type { IngestCounter } from '../metrics/snapshot';
import type { TailItem } from './jsonlTailer';
import type { StateSnapshotItem } from './stateSnapshots';

/** A line of the events log, not decoded yet. */
export interface LineInput {
  readonly kind: 'line';
  readonly line: string;
  readonly offset: number;
}

/** A decoded event (from the log, the in-process emitter or a state snapshot). */
export interface EventInput {
  readonly kind: 'event';
  readonly event: LifecycleEvent;
  readonly offset?: number;
  /** The log line it was decoded from (for the identical-line dedupe). */
  readonly line?: string;
  /** `lineHash` of that line, when the line was read in place and no string of it was made (the dedupe needs no more). */
  readonly lineHash?: number;
  /** The broker stream entry it came from (the checkpoint keeps the last one). */
  readonly streamId?: string;
}

/** Input that could not be decoded: counted by reason, quarantined with `detail` and `line`. */
export interface RejectedInput {
  readonly kind: 'rejected';
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly line: string | null;
  readonly offset?: number;
  /** Not a line of the log: the stored checkpoint (already reported where it was read), the state file, or the in-process emitter. */
  readonly from?: 'checkpoint' | 'state' | 'in_process';
}

/** A counter bumped upstream of the reducer (duplicates, torn tail...). */
export interface CountInput {
  readonly kind: 'count';
  readonly counter: IngestCounter;
  readonly by?: number;
  readonly offset?: number;
}

/** The events log was truncated or replaced: positions restart at 0 (counted as a log truncation). */
export interface ResetInput {
  readonly kind: 'reset';
  readonly cause: 'truncated' | 'rotated';
}

/** A source has read everything there was when it started (the end of the replay). */
export interface CaughtUpInput {
  readonly kind: 'caught_up';
  readonly source: 'log' | 'state' | 'broker';
}

export type SourceInput = LineInput | EventInput | RejectedInput | CountInput | ResetInput | CaughtUpInput;

/** What `scan` folds: everything but raw lines and markers. */
export type FoldInput = EventInput | RejectedInput | CountInput | ResetInput;

/** A tailer item as a pipeline input (null: nothing to fold). */
export function fromTailItem(item: TailItem): SourceInput | null {
  switch (item.kind) {
    case 'line':
    case 'event':
      return item;
    case 'oversized':
      return { kind: 'rejected', reason: 'line_too_long', detail: `line of ${item.bytes} bytes`, line: null, offset: item.offset };
    case 'truncated':
    case 'rotated':
      return { kind: 'reset', cause: item.kind };
    case 'torn_tail':
      return { kind: 'count', counter: 'tornTail' };
    case 'caught_up':
      return { kind: 'caught_up', source: 'log' };
  }
}

/** A state-snapshot item as a pipeline input (null: nothing to fold). */
export function fromStateItem(item: StateSnapshotItem): SourceInput | null {
  switch (item.kind) {
    case 'event':
      // The item is an event input already: sent on as it is when in range (a state file implies millions).
      return outOfRange(item.event) === null ? item : madeEvent(item.event, 'state');
    case 'caught_up':
      return { kind: 'caught_up', source: 'state' };
    case 'unreadable':
      return null;
    case 'out_of_range':
      return { kind: 'rejected', reason: 'out_of_range', detail: item.detail, line: null, from: 'state' };
  }
}

/**
 * An event a source made rather than decoded from a line (one a state file implies, one the
 * orchestrator emits in process): its figures are checked here, as the decoders check a line's
 * (DESIGN §8), so that the reducer folds only events within range without checking each one.
 */
export function madeEvent(event: LifecycleEvent, from: 'state' | 'in_process', extra: { offset?: number; streamId?: string } = {}): EventInput | RejectedInput {
  const why = outOfRange(event);
  if (why === null) return { kind: 'event', event, ...extra };
  return { kind: 'rejected', reason: 'out_of_range', detail: `${event.type}: ${why}`, line: null, from, ...(extra.offset !== undefined ? { offset: extra.offset } : {}) };
}
