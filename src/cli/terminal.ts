/**
 * The process's own output streams, as the commands use them. Every line printed goes through
 * `printable` (the text of a line comes from input: task ids, feature names, errors, paths), and a
 * reader that goes away (`rush … | head -1`, EPIPE) only stops the printing: the write error is
 * swallowed here, so it can never end a run halfway through (DESIGN §8).
 */
import { printable } from '../events/printable';

/** Errors of a stream whose reader has gone: the output is dropped, the work goes on. */
const GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

const closed = new WeakSet<NodeJS.WritableStream>();

/**
 * Makes a closed stdout or stderr harmless: an `error` event for a gone reader marks the stream
 * closed instead of crashing the process with an unhandled error. Idempotent.
 */
export function survivePipeClose(stream: NodeJS.WritableStream & { on(event: 'error', fn: (err: Error) => void): unknown }): void {
  if ((stream as { __survivesClose?: boolean }).__survivesClose) return;
  (stream as { __survivesClose?: boolean }).__survivesClose = true;
  stream.on('error', (err: Error) => {
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) {
      closed.add(stream);
      return;
    }
    // Anything else is not a reader going away: let it be seen.
    throw err;
  });
}

/** Writes text as it is (ours: JSON, a rendered report), unless the stream's reader has gone. */
export function writeRaw(stream: NodeJS.WritableStream, text: string): void {
  if (closed.has(stream)) return;
  try {
    stream.write(text);
  } catch (err) {
    if (!GONE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    closed.add(stream);
  }
}

/** One line of text from input, printable, with its newline. */
export const writeLine = (stream: NodeJS.WritableStream, line: string): void => writeRaw(stream, `${printable(line)}\n`);
