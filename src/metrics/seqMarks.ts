/**
 * The highest `seq` seen per producer: how the dedupe recognises an event already folded, and
 * what a checkpoint stores so that a restart recognises it too. Most logs have one producer:
 * its mark is kept at hand, and reaches the map only when another producer comes, so that an
 * event costs no map lookup.
 */
export class SeqMarks {
  private readonly marks: Map<string, number>;
  private producer: string | undefined;
  private mark = -1;

  constructor(initial: Readonly<Record<string, number>> = {}) {
    this.marks = new Map(Object.entries(initial));
  }

  /** Notes `seq` of `producer`: true when it is new, false when it is at or below the producer's mark. */
  note(producer: string, seq: number): boolean {
    if (producer !== this.producer) {
      if (this.producer !== undefined) this.marks.set(this.producer, this.mark);
      this.producer = producer;
      this.mark = this.marks.get(producer) ?? -1;
    }
    if (seq <= this.mark) return false;
    this.mark = seq;
    return true;
  }

  /** The marks, by producer. */
  toRecord(): Record<string, number> {
    if (this.producer !== undefined) this.marks.set(this.producer, this.mark);
    return Object.fromEntries(this.marks);
  }
}
