/**
 * `dedupeEvents()`: an event already folded in counts once (DESIGN §4.3).
 *
 * - With `producer` + `seq`: the exact set of seqs seen per producer (`SeenSeqs`). Only a pair
 *   already seen is a duplicate — whether it came back through another source (the log and the
 *   in-process emitter carry the same events), a redelivery or a replay; a seq below the highest is
 *   new when it was not seen (arrival order may differ from seq order). The set is seeded from the
 *   checkpoint so a restart recognises what it already folded.
 * - Without them: the same line seen again within a bounded window of recent lines.
 *
 * A duplicate becomes a `duplicateEvents` count that keeps its log position. Works on batches.
 */
import { defer, type OperatorFunction } from 'rxjs';
import { map } from 'rxjs/operators';
import { DEFAULT_WINDOW, RecentLines } from '../metrics/recentLines';
import { SeenSeqs, type SeqRangesRecord } from '../metrics/seenSeqs';
import { copyOnChange } from './copyOnChange';
import type { FoldInput } from '../sources/inputs';

export interface DedupeOptions {
  /** The seqs already folded, per producer (from the checkpoint). */
  readonly seen?: Readonly<SeqRangesRecord>;
  /** Recent lines (of events without producer+seq) remembered. */
  readonly windowSize?: number;
  /** The recent lines already folded, by hash (from the checkpoint). */
  readonly recentLines?: readonly number[];
}

/** The dedupe state of one subscription. */
class Deduper {
  private readonly seen: SeenSeqs;
  private readonly recent: RecentLines;

  constructor(options: DedupeOptions = {}) {
    this.seen = new SeenSeqs(options.seen);
    this.recent = new RecentLines(options.windowSize ?? DEFAULT_WINDOW, options.recentLines);
  }

  isDuplicate(input: FoldInput): boolean {
    if (input.kind !== 'event') return false;
    const { producer, seq } = input.event;
    if (producer !== undefined && seq !== undefined) return !this.seen.note(producer, seq);
    if (input.lineHash !== undefined) return this.recent.hasHash(input.lineHash);
    return input.line !== undefined && this.recent.has(input.line);
  }
}

/** The input itself, or the duplicate count it stands for. */
function dedupeOne(deduper: Deduper, input: FoldInput): FoldInput {
  if (!deduper.isDuplicate(input)) return input;
  const offset = input.kind === 'event' ? input.offset : undefined;
  return offset === undefined ? { kind: 'count', counter: 'duplicateEvents' } : { kind: 'count', counter: 'duplicateEvents', offset };
}

export function dedupeEvents(options: DedupeOptions = {}): OperatorFunction<readonly FoldInput[], FoldInput[]> {
  return (source) =>
    defer(() => {
      const deduper = new Deduper(options);
      return source.pipe(map((batch) => copyOnChange(batch, (input) => dedupeOne(deduper, input))));
    });
}
