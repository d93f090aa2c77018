/**
 * The JSONL tailer: `{feature}-events.jsonl` → an Observable of batches of its lines (or their
 * events, read in place by the `decode` option) with their byte positions, plus signals for what
 * happened to the file (truncated, rotated, a torn last line).
 * - Reads from a byte offset in large chunks into a Buffer and splits on `\n` bytes, so a UTF-8
 *   character split across two chunks is never decoded in halves and there is no syscall per line.
 * - A partial last line stays in the carry buffer and is never parsed: it is completed by the next
 *   append (follow) or reported as a torn tail at the end (`follow: false`). A resumed reader starts
 *   at the offset after the last complete line, so the torn line is read once it is whole.
 * - A missing file is waited for; appends are followed through a directory watch plus a poll.
 * - Truncation (file smaller than our offset) restarts at 0; rotation (another inode under the
 *   name) first drains the old file, then restarts at 0 of the new one.
 * - A line longer than `maxLineBytes` is skipped without being buffered whole (memory stays bounded)
 *   and reported as `oversized`. A UTF-8 byte-order mark at the start of the file is skipped.
 */
import * as fs from 'node:fs';
import { mergeMap, Observable, Subscription } from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';
import { MAX_LINE_BYTES } from '../events/decode';
import { lineHash, lineHashIn } from '../metrics/recentLines';
import { UnsafeFileError } from '../state/safeFiles';
import { fileChanges } from './fileChanges';

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

export interface TailOptions {
  /** Byte offset to start at (the offset after the last line already processed). Default 0. */
  readonly fromOffset?: number;
  /** Keep following appends (true) or read to the end and complete (false). Default false. */
  readonly follow?: boolean;
  /** Poll fallback period in follow mode (ms). */
  readonly pollIntervalMs?: number;
  /** Read size (bytes). */
  readonly chunkBytes?: number;
  /** Longest line kept; longer ones are skipped and reported as `oversized`. */
  readonly maxLineBytes?: number;
  /**
   * In follow mode: when this emits, read what is there, then complete. A partial last line is not
   * reported then (its writer may be mid-write); a later reader resumes before it.
   */
  readonly stop?: Observable<unknown>;
  /**
   * Reads a line in place, while its bytes are at hand (`b[start, end)`, valid only during the
   * call): its event, sent instead of the line's text, which is then never made; undefined: the text is sent.
   */
  readonly decode?: LineDecoder;
  /** Whether an event read in place is sent with its line's hash (`lineHashIn`; the decoder reads only ASCII lines in place). */
  readonly keepLine?: (event: LifecycleEvent) => boolean;
}
export type LineDecoder = (b: Buffer, start: number, end: number) => LifecycleEvent | undefined;

const NEWLINE = 0x0a;
/** 256 KiB: few syscalls, and a replay yields to timers (saves, snapshots) every few ms. */
const DEFAULT_CHUNK = 256 * 1024;
const BATCH_ITEMS = 512;

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
interface Emit {
  (item: TailItem): void;
  /** Sends what was collected. */
  flush(): void;
}

/**
 * The reading state of one open file: its descriptor and the carry of a partial line. Two buffers
 * take turns: while the lines of one are split and sent down the pipeline, the next chunk is
 * already being read into the other, so a replay does not wait on each read.
 */
class LineReader {
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

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

async function openIfExists(file: string): Promise<{ handle: fs.promises.FileHandle; ino: number; size: number } | null> {
  let handle: fs.promises.FileHandle;
  try {
    // Not through a symlink (DESIGN §8): a planted link must not make us quote another file's lines.
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    if (errnoOf(err) === 'ELOOP') throw new UnsafeFileError(file, 'a symbolic link', 'read');
    throw err;
  }
  try {
    const st = await handle.stat();
    return { handle, ino: st.ino, size: st.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

async function statIfExists(file: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(file);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Tails a JSONL file, one item at a time (see `tailJsonlBatches`). */
export const tailJsonl = (file: string, options: TailOptions = {}): Observable<TailItem> => tailJsonlBatches(file, options).pipe(mergeMap((batch) => batch));

/**
 * Tails a JSONL file, in batches (the items of one read chunk, in order). Cold: each subscription
 * opens its own reader. Errors only on an I/O failure other than "file missing" (permissions, a
 * directory in its place...).
 */
export function tailJsonlBatches(file: string, options: TailOptions = {}): Observable<readonly TailItem[]> {
  const follow = options.follow ?? false;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  return new Observable<readonly TailItem[]>((subscriber) => {
    let closed = false;
    let stopping = false;
    let changed = false;
    let wake: (() => void) | null = null;
    const poke = (): void => {
      changed = true;
      const w = wake;
      wake = null;
      w?.();
    };
    /** Resolves at the next change notice (or at once if one came while we were reading). */
    const nextChange = (): Promise<void> =>
      changed || stopping || closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
          });
    const subs = new Subscription();
    if (follow) {
      subs.add(fileChanges(file, options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }).subscribe(poke));
      if (options.stop) {
        subs.add(
          options.stop.subscribe(() => {
            stopping = true;
            poke();
          }),
        );
      }
    }
    const isClosed = (): boolean => closed;
    let batch: TailItem[] = [];
    const emit: Emit = Object.assign(
      (item: TailItem): void => {
        if (batch.push(item) === BATCH_ITEMS) emit.flush();
      },
      {
        flush: (): void => {
          if (batch.length === 0 || closed) return;
          const ready = batch;
          batch = [];
          subscriber.next(ready);
        },
      },
    );

    let reader: LineReader | null = null;
    const run = async (): Promise<void> => {
      let caughtUpAt = -1;
      let startAt = Math.max(0, options.fromOffset ?? 0);
      for (;;) {
        if (closed) return;
        // A stop requested before this pass: this pass reads everything written so far, then ends.
        const finalPass = stopping;
        changed = false;
        if (reader === null) {
          const opened = await openIfExists(file);
          if (closed) {
            await opened?.handle.close();
            return;
          }
          if (opened !== null) {
            if (opened.size < startAt) {
              emit({ kind: 'truncated', previousOffset: startAt });
              startAt = 0;
            }
            reader = new LineReader(opened.handle, opened.ino, startAt, chunkBytes, maxLineBytes, options.decode, options.keepLine);
          }
        } else {
          await checkReplaced(reader);
        }
        if (reader !== null) await reader.drain(emit, isClosed);
        if (closed) return;
        const position = reader?.lineBoundary ?? startAt;
        if (!follow || finalPass) {
          if (!finalPass && reader !== null && reader.pending > 0) {
            emit({ kind: 'torn_tail', bytes: reader.pending, offset: reader.lineBoundary });
          }
          if (!follow || caughtUpAt !== position) emit({ kind: 'caught_up', offset: position });
          emit.flush();
          return;
        }
        if (caughtUpAt !== position) emit({ kind: 'caught_up', offset: position });
        caughtUpAt = position;
        emit.flush();
        await nextChange();
      }
    };

    /** Truncation or rotation since the last read; switches `reader` accordingly. */
    const checkReplaced = async (current: LineReader): Promise<void> => {
      const st = await statIfExists(file);
      if (st !== null && st.ino !== current.ino) {
        // Rotation: whatever the old file got before the switch belongs to it; read it out first.
        await current.drain(emit, isClosed);
        if (current.pending > 0) emit({ kind: 'torn_tail', bytes: current.pending, offset: current.lineBoundary });
        emit.flush();
        const previousOffset = current.lineBoundary;
        await current.handle.close().catch(() => undefined);
        reader = null;
        const opened = await openIfExists(file);
        if (opened === null || closed) {
          await opened?.handle.close();
          return;
        }
        emit({ kind: 'rotated', previousOffset });
        reader = new LineReader(opened.handle, opened.ino, 0, chunkBytes, maxLineBytes, options.decode, options.keepLine);
        return;
      }
      // Same file (or its name is gone for now: keep reading what we hold open).
      const size = st === null ? (await current.handle.stat()).size : st.size;
      if (size < current.position) {
        emit({ kind: 'truncated', previousOffset: current.lineBoundary });
        current.reset(0);
      }
    };

    const closeReader = async (): Promise<void> => {
      const r = reader;
      reader = null;
      await r?.handle.close().catch(() => undefined);
    };

    // Only this loop touches the descriptor, so it is closed here, never under an in-flight read.
    run()
      .finally(closeReader)
      .then(
        () => {
          if (!closed) subscriber.complete();
        },
        (err: unknown) => {
          if (!closed) subscriber.error(err);
        },
      );

    return () => {
      closed = true;
      subs.unsubscribe();
      poke();
    };
  });
}
