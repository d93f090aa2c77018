/**
 * `decodeInputs()`: raw log lines → decoded events or rejections (the Either of `decodeLine`,
 * folded into inputs: bad input is counted downstream, never thrown). Other inputs pass through.
 * Works on batches (the lines of one read), like every step up to the fold; the markers of the
 * sources have been taken out before, so what comes out is what `scan` folds.
 */
import * as E from 'fp-ts/Either';
import { type OperatorFunction } from 'rxjs';
import { map } from 'rxjs/operators';
import type { DecodeOptions } from '../events/decode';
import { decodeLineFast } from '../events/fastDecode';
import { lineHash } from '../metrics/recentLines';
import type { FoldInput, LineInput } from '../sources/inputs';

/** One line → its input. */
export function decodeLineInput(input: LineInput, options: DecodeOptions = {}): FoldInput {
  const decoded = decodeLineFast(input.line, options);
  if (E.isRight(decoded)) {
    const event = decoded.right;
    // Hashed once here for the dedupe and the fold, which both remember a line without producer+seq.
    if (event.producer === undefined || event.seq === undefined) return { kind: 'event', event, offset: input.offset, line: input.line, lineHash: lineHash(input.line) };
    return { kind: 'event', event, offset: input.offset, line: input.line };
  }
  const { reason, detail } = decoded.left;
  return { kind: 'rejected', reason, detail, line: input.line, offset: input.offset };
}

export function decodeInputs(options: DecodeOptions = {}): OperatorFunction<readonly (LineInput | FoldInput)[], FoldInput[]> {
  return map((batch) => {
    const out = new Array<FoldInput>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const input = batch[i] as LineInput | FoldInput;
      out[i] = input.kind === 'line' ? decodeLineInput(input, options) : input;
    }
    return out;
  });
}
