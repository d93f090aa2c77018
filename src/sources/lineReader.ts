/**
 * Reading one open JSONL file in large chunks (see `jsonlTailer.ts`): complete lines, split on `\n`
 * bytes, are sent as items; a partial last line waits in the carry for the rest of it.
 */
import type * as fs from 'node:fs';
import type { LifecycleEvent } from '../events/codecs';
import { lineHash, lineHashIn } from '../metrics/recentLines';

export type TailItem =
  /** A complete line (without its `\n`); `offset` is the byte offset just after its `\n`. */
  | { readonly kind: 'line'; readonly line: string; readonly offset: number }
  /**
   * A complete line read in place by the `decode` option: its event instead of its text (the
   * pipeline's own input), with its text's hash (`lineHashIn`) when the `keepLine` option asks.
   */
  | { readonly kind: 'event'; readonly event: LifecycleEvent; readonly offset: number; readonly lineHash?: number }
  /** A line longer than `maxLineBytes`, skipped; `offset` is the byte offset after it. */
  | { readonly kind: 'oversized'; readonly bytes: number; readonly offset: number }
  /** The file shrank below our position: reading restarts at offset 0. */
  | { readonly kind: 'truncated'; readonly previousOffset: number }
  /** Another file took the name (rotation): reading continues at offset 0 of the new file. */
  | { readonly kind: 'rotated'; readonly previousOffset: number }
  /** A partial last line was left at the end of input (`follow: false`, or an old rotated file). */
  | { readonly kind: 'torn_tail'; readonly bytes: number; readonly offset: number }
  /** Everything written so far has been read (sent once per catch-up; `offset` = our position). */
  | { readonly kind: 'caught_up'; readonly offset: number };

export type LineDecoder = (b: Buffer, start: number, end: number) => LifecycleEvent | undefined;

const NEWLINE = 0x0a;

/** Lines made only of whitespace carry no event: skipped, not counted. */
const isBlank = (buf: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
};

/**
 * Items are collected and sent in batches — those of one read chunk, at most `BATCH_ITEMS` at a
 * time: per-item emissions would cost more than the items, and a batch small enough to stay in the
 * CPU cache is folded faster than a whole chunk's (about 3% on the whole path).
 */
export interface Emit {
  (item: TailItem): void;
  /** Sends what was collected. */
  flush(): void;
}

/**
 * The reading state of one open file: its descriptor and the carry of a partial line. Two buffers
 * take turns: while the lines of one are split and sent down the pipeline, the next chunk is
 * already being read into the other, so a replay does not wait on each read.
 */
export class LineReader {
  private buf: Buffer;
  /** Where the next chunk is read while `buf` is split. */
  private spare: Buffer;
  /** Bytes of the current partial line at the start of `buf`. */
  private carry = 0;
  /** Skipping an oversized line: bytes discarded so far (−1 when not skipping). */
  private skipped = -1;
  /** File offset of the next byte to read. */
  position: number;

  constructor(
    readonly handle: fs.promises.FileHandle,
    readonly ino: number,
    start: number,
    chunkBytes: number,
    private readonly maxLineBytes: number,
    private readonly decode: LineDecoder | undefined,
    private readonly keepLine: ((event: LifecycleEvent) => boolean) | undefined,
  ) {
    this.position = start;
    this.buf = Buffer.allocUnsafe(Math.max(chunkBytes, 64));
    this.spare = Buffer.allocUnsafe(this.buf.length);
  }

  /** Offset after the last complete line (where a resumed reader should start). */
  get lineBoundary(): number {
    return this.position - this.pending;
  }

  /** Bytes read past the last complete line. */
  get pending(): number {
    return this.skipped >= 0 ? this.skipped + this.carry : this.carry;
  }

  /** Forgets the partial line (truncation: its bytes are gone). */
  reset(position: number): void {
    this.position = position;
    this.carry = 0;
    this.skipped = -1;
  }

  /** Reads to the current end of the file, emitting complete lines. Returns true if anything was read. */
  async drain(emit: Emit, isClosed: () => boolean): Promise<boolean> {
    let any = false;
    if (isClosed()) return any;
    if (this.carry === this.buf.length) this.makeRoom();
    let reading = this.readInto(this.buf, this.carry);
    for (;;) {
      // Every read started is awaited before returning: the descriptor is never closed under one.
      const bytesRead = await reading;
      if (bytesRead === 0 || isClosed()) return any;
      any = true;
      const bufStart = this.position - this.carry;
      const end = this.carry + bytesRead;
      this.position += bytesRead;
      const lastNewline = this.buf.lastIndexOf(NEWLINE, end - 1);
      if (lastNewline < this.carry) {
        // No line ends in this chunk: it all joins the carry, and the next read goes after it.
        this.carry = end;
        if (this.carry === this.buf.length) this.makeRoom();
        reading = this.readInto(this.buf, this.carry);
        continue;
      }
      // The partial line after the last newline starts the spare buffer; the next chunk follows it there.
      const rest = end - lastNewline - 1;
      this.buf.copy(this.spare, 0, lastNewline + 1, end);
      reading = this.readInto(this.spare, rest);
      this.split(lastNewline + 1, bufStart, emit);
      emit.flush();
      [this.buf, this.spare] = [this.spare, this.buf];
      this.carry = rest;
    }
  }

  /** Reads at `position` into `buf` after its first `from` bytes; resolves to the bytes read. */
  private async readInto(buf: Buffer, from: number): Promise<number> {
    const { bytesRead } = await this.handle.read(buf, from, buf.length - from, this.position);
    return bytesRead;
  }

  /** A line fills the buffer: grow it up to the limit, past that start skipping the line. */
  private makeRoom(): void {
    if (this.buf.length < this.maxLineBytes) {
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.maxLineBytes + 1));
      this.buf.copy(bigger, 0, 0, this.carry);
      this.buf = bigger;
      this.spare = Buffer.allocUnsafe(bigger.length);
      return;
    }
    this.skipped = (this.skipped < 0 ? 0 : this.skipped) + this.carry;
    this.carry = 0;
  }

  /** Emits the lines of `buf[0, end)`, which ends with a newline. */
  private split(end: number, bufStart: number, emit: Emit): void {
    const buf = this.buf;
    // A byte-order mark some editors put at the start of a file is not part of the first line.
    const bom = bufStart === 0 && this.skipped < 0 && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
    for (let lineStart = bom ? 3 : 0; lineStart < end; ) {
      const nl = buf.indexOf(NEWLINE, lineStart);
      const offset = bufStart + nl + 1;
      if (this.skipped >= 0) {
        emit({ kind: 'oversized', bytes: this.skipped + (nl - lineStart), offset });
        this.skipped = -1;
      } else if (nl - lineStart > this.maxLineBytes) {
        emit({ kind: 'oversized', bytes: nl - lineStart, offset });
      } else if (!isBlank(buf, lineStart, nl)) {
        const event = this.decode?.(buf, lineStart, nl);
        if (event === undefined) emit({ kind: 'line', line: buf.toString('utf8', lineStart, nl), offset });
        else if (this.keepLine?.(event) === true) emit({ kind: 'event', event, offset, lineHash: lineHashIn(buf, lineStart, nl) ?? lineHash(buf.toString('utf8', lineStart, nl)) });
        else emit({ kind: 'event', event, offset });
      }
      lineStart = nl + 1;
    }
  }
}

