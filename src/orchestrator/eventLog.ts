/**
 * The orchestrator's side of the events log: it is the single appender of `{feature}-events.jsonl`.
 * Each event gets this process's producer id and the next `seq`, is appended with one `write`
 * (O_APPEND), and only then is handed to the in-process source with the byte offset just after
 * its line, so the metrics processor's checkpoint always points at a line boundary of the log.
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { EventOf, EventType, LifecycleEvent } from '../events/codecs';
import { eventLine } from '../events/decode';
import type { OrchestratorEvents } from '../sources/inProcess';
import { ShortWriteError } from '../state/diskFault';
import { pausePoint } from '../state/pausePoint';
import { openAppendSync } from '../state/safeFiles';

/** Appends one lifecycle event now (or stamped `at`, epoch ms) and returns it as recorded. */
export type RecordEvent = <K extends EventType>(type: K, data: EventOf<K>['data'], at?: number) => EventOf<K>;

export interface EventLogOptions {
  readonly feature: string;
  readonly emitter: OrchestratorEvents;
  readonly now?: () => number;
  /** Defaults to a new id unique to this process. */
  readonly producer?: string;
  /**
   * Called once when an append fails (a full disk): from then on nothing more is appended or handed
   * on, so the metrics never get ahead of the log. Without it, the error is thrown.
   */
  readonly onWriteError?: (error: unknown) => void;
}

/** A producer id that no other orchestrator process (before or after this one) uses. */
export const newProducerId = (): string => `rush-${process.pid}-${randomUUID().slice(0, 8)}`;

export class EventLogAppender {
  readonly producer: string;
  private seq = 0;
  private offset: number;
  private fd: number | null;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly options: EventLogOptions,
  ) {
    this.producer = options.producer ?? newProducerId();
    // Never through a symlink, only a regular file (DESIGN §8): refused with a clear error.
    this.fd = openAppendSync(file);
    this.offset = fs.fstatSync(this.fd).size;
    if (this.offset > 0 && !endsWithNewline(this.fd, this.offset)) {
      // A writer killed mid-line left a torn tail: end it, so our first line stands on its own
      // (the torn line stays a single rejected line instead of corrupting ours).
      this.writeAll('\n');
    }
  }

  /** Events appended by this process so far. */
  get count(): number {
    return this.seq;
  }

  readonly record: RecordEvent = (type, data, at) => {
    // Whole milliseconds: the log keeps ms, and the in-process copy must equal what a replay reads.
    const ts = Math.floor(at ?? (this.options.now ?? Date.now)());
    const event = { type, ts, feature: this.options.feature, producer: this.producer, seq: this.seq + 1, data } as unknown as EventOf<typeof type>;
    if (this.failed) return event;
    try {
      this.writeAll(eventLine(event as LifecycleEvent));
    } catch (err) {
      if (!this.options.onWriteError) throw err;
      this.failed = true;
      this.options.onWriteError(err);
      return event;
    }
    this.seq += 1;
    this.options.emitter.emit(event as LifecycleEvent, this.offset);
    return event;
  };

  /**
   * Appends an event another producer recorded (a worker on another host, read from the broker),
   * with its own producer and seq, so that this log stays the whole record of the run.
   */
  append(event: LifecycleEvent, streamId?: string): void {
    this.writeAll(eventLine(event));
    this.options.emitter.emit(event, this.offset, streamId);
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }

  private writeAll(text: string): void {
    if (this.fd === null) throw new Error(`events log ${this.file} is closed`);
    const bytes = Buffer.from(text, 'utf8');
    pausePoint('mid-append', () => fs.writeSync(this.fd as number, bytes.subarray(0, bytes.length >> 1)));
    const written = fs.writeSync(this.fd, bytes);
    // One write per line is what keeps lines whole for concurrent readers; a short write means a full disk.
    if (written !== bytes.length) throw new ShortWriteError(this.file, written, bytes.length);
    this.offset += written;
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
