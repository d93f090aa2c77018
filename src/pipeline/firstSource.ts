/**
 * First-source arbitration. When both the events log and the state file may describe a run and
 * neither is known to be its record (`undecided`, see `preferredInput`), the first of them to
 * speak is read and the other is ignored from then on: events derived from a state file carry no
 * seq, so folding both would count every event twice.
 */
import { map, type OperatorFunction } from 'rxjs';
import type { SourceInput } from '../sources/inputs';
import type { InputMode } from './preferredInput';

/** The sources arbitrated between. */
export type RecordSource = 'log' | 'state';

export class FirstSource {
  constructor(private mode: InputMode) {}

  /** Whether an input of `from` may feed the run; when undecided, `from` is the first to speak and wins. */
  admits(from: RecordSource): boolean {
    if (this.mode === 'undecided') this.mode = from;
    return this.mode === from;
  }
}

/**
 * A source's batches of items as batches of pipeline inputs (items that are nothing to fold
 * dropped), keeping only what `arbiter` admits from `from`. Its replay markers always pass: a
 * source ruled out still says when it has caught up, or the processor would never be ready.
 */
export function admittedInputs<T>(from: RecordSource, toInput: (item: T) => SourceInput | null, arbiter: FirstSource): OperatorFunction<readonly T[], SourceInput[]> {
  return map((items) => {
    const out: SourceInput[] = [];
    for (const item of items) {
      const input = toInput(item);
      if (input !== null && (input.kind === 'caught_up' || arbiter.admits(from))) out.push(input);
    }
    return out;
  });
}
