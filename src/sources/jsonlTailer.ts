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
import { UnsafeFileError } from '../state/safeFiles';
import { fileChanges } from './fileChanges';
import { LineReader, type Emit, type LineDecoder, type TailItem } from './lineReader';

export type { LineDecoder, TailItem } from './lineReader';

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
/** 256 KiB: few syscalls, and a replay yields to timers (saves, snapshots) every few ms. */
const DEFAULT_CHUNK = 256 * 1024;
const BATCH_ITEMS = 512;

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
  return new Observable<readonly TailItem[]>((subscriber) => {
    const tail = new Tail(file, options, (batch) => subscriber.next(batch));
    // Only this loop touches the descriptor, so it is closed here, never under an in-flight read.
    tail
      .run()
      .finally(() => tail.closeReader())
      .then(
        () => {
          if (!tail.closed) subscriber.complete();
        },
        (err: unknown) => {
          if (!tail.closed) subscriber.error(err);
        },
      );
    return () => tail.close();
  });
}

/** One subscription's reading of the file: its reader, the batch being collected, and change notices. */
class Tail {
  closed = false;
  private stopping = false;
  private changed = false;
  private wake: (() => void) | null = null;
  private readonly subs = new Subscription();
  private batch: TailItem[] = [];
  private reader: LineReader | null = null;
  /** Where reading starts when the file is (re)opened: the asked offset, then 0 for a file that replaced it. */
  private startAt: number;
  private readonly follow: boolean;
  private readonly chunkBytes: number;
  private readonly maxLineBytes: number;
  readonly emit: Emit;

  constructor(
    private readonly file: string,
    private readonly options: TailOptions,
    send: (batch: readonly TailItem[]) => void,
  ) {
    this.follow = options.follow ?? false;
    this.startAt = Math.max(0, options.fromOffset ?? 0);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    const flush = (): void => {
      if (this.batch.length === 0 || this.closed) return;
      const ready = this.batch;
      this.batch = [];
      send(ready);
    };
    this.emit = Object.assign((item: TailItem): void => {
      if (this.batch.push(item) === BATCH_ITEMS) flush();
    }, { flush });
    if (this.follow) {
      this.subs.add(fileChanges(file, options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }).subscribe(() => this.poke()));
      if (options.stop) {
        this.subs.add(
          options.stop.subscribe(() => {
            this.stopping = true;
            this.poke();
          }),
        );
      }
    }
  }

  close(): void {
    this.closed = true;
    this.subs.unsubscribe();
    this.poke();
  }

  private readonly isClosed = (): boolean => this.closed;

  private poke(): void {
    this.changed = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves at the next change notice (or at once if one came while we were reading). */
  private nextChange(): Promise<void> {
    if (this.changed || this.stopping || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  async run(): Promise<void> {
    const { emit } = this;
    let caughtUpAt = -1;
    for (;;) {
      if (this.closed) return;
      // A stop requested before this pass: this pass reads everything written so far, then ends.
      const finalPass = this.stopping;
      this.changed = false;
      if (this.reader === null) {
        await this.open();
        if (this.closed) return;
      } else {
        await this.checkReplaced(this.reader);
      }
      const reader = this.reader as LineReader | null;
      if (reader !== null) await reader.drain(emit, this.isClosed);
      if (this.closed) return;
      const position = reader?.lineBoundary ?? this.startAt;
      if (!this.follow || finalPass) {
        if (!finalPass && reader !== null && reader.pending > 0) emit({ kind: 'torn_tail', bytes: reader.pending, offset: reader.lineBoundary });
        if (!this.follow || caughtUpAt !== position) emit({ kind: 'caught_up', offset: position });
        emit.flush();
        return;
      }
      if (caughtUpAt !== position) emit({ kind: 'caught_up', offset: position });
      caughtUpAt = position;
      emit.flush();
      await this.nextChange();
    }
  }

  /** Opens the file if it is there, at `startAt` (0 if it shrank below it). */
  private async open(): Promise<void> {
    const opened = await openIfExists(this.file);
    if (opened === null || this.closed) {
      await opened?.handle.close();
      return;
    }
    if (opened.size < this.startAt) {
      this.emit({ kind: 'truncated', previousOffset: this.startAt });
      this.startAt = 0;
    }
    this.reader = new LineReader(opened.handle, opened.ino, this.startAt, this.chunkBytes, this.maxLineBytes, this.options.decode, this.options.keepLine);
  }

  /** Truncation or rotation since the last read; switches `reader` accordingly. */
  private async checkReplaced(current: LineReader): Promise<void> {
    const { emit } = this;
    const st = await statIfExists(this.file);
    if (st !== null && st.ino !== current.ino) {
      // Rotation: whatever the old file got before the switch belongs to it; read it out first.
      await current.drain(emit, this.isClosed);
      if (current.pending > 0) emit({ kind: 'torn_tail', bytes: current.pending, offset: current.lineBoundary });
      emit.flush();
      emit({ kind: 'rotated', previousOffset: current.lineBoundary });
      await current.handle.close().catch(() => undefined);
      // The new file is read from its start, now or (gone again for a moment) at the next pass.
      this.reader = null;
      this.startAt = 0;
      await this.open();
      return;
    }
    // Same file (or its name is gone for now: keep reading what we hold open).
    const size = st === null ? (await current.handle.stat()).size : st.size;
    if (size < current.position) {
      emit({ kind: 'truncated', previousOffset: current.lineBoundary });
      current.reset(0);
    }
  }

  async closeReader(): Promise<void> {
    const r = this.reader;
    this.reader = null;
    await r?.handle.close().catch(() => undefined);
  }
}
