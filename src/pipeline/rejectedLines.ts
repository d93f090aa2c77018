/**
 * The quarantine of bad input (DESIGN §8): each rejected line is appended to
 * `{feature}.rejected.jsonl` as `{at, reason, detail, line}`, so nothing read is lost. The file is
 * size-capped: past the cap, rejections are only counted (by the reducer). Appends are batched —
 * one write per burst, never one per line — and a failed append is reported, not thrown.
 *
 * A restarted processor replays the log from its checkpoint, so it meets again the bad lines it
 * quarantined after that checkpoint, before it stopped: those are recognised (same position, same
 * line) and written once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTimestamp } from '../events/timestamp';
import { appendNoFollow } from '../state/safeFiles';
import type { RejectedInput } from '../sources/inputs';
import { describeError } from './warnings';

const DEFAULT_REJECTED_CAP_BYTES = 10 * 1024 * 1024;
/** Longest line quoted in the quarantine file. */
const MAX_QUOTED_LINE = 64 * 1024;

export interface RejectedLinesOptions {
  readonly capBytes?: number;
  readonly now?: () => number;
  /** Called once when the cap is reached, and on a failed append. */
  readonly onProblem?: (message: string) => void;
  /** The replay restarts at this byte offset of the log: entries already there past it are not written again. */
  readonly resumeFrom?: number;
}

/** What identifies a quarantined line: its position in the log and its text (as quoted). */
const keyOf = (offset: number, line: string | null): string => `${offset}\n${line ?? ''}`;

const quote = (line: string | null): string | null => (line !== null && line.length > MAX_QUOTED_LINE ? `${line.slice(0, MAX_QUOTED_LINE)}…` : line);

export class RejectedLinesWriter {
  private size: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private capped = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly capBytes: number;
  private readonly now: () => number;
  /** Entries past the resume offset already in the file (see `resumeFrom`). */
  private readonly alreadyThere: Set<string>;

  constructor(
    readonly file: string,
    private readonly options: RejectedLinesOptions = {},
  ) {
    this.capBytes = options.capBytes ?? DEFAULT_REJECTED_CAP_BYTES;
    this.now = options.now ?? Date.now;
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      // no quarantine yet
    }
    this.size = size;
    this.alreadyThere = size > 0 && options.resumeFrom !== undefined ? entriesAfter(file, options.resumeFrom) : new Set();
  }

  /** Queues a rejected input; false once the cap is reached (it is then only counted). */
  add(input: RejectedInput): boolean {
    if (this.capped) return false;
    const line = quote(input.line);
    if (input.offset !== undefined && this.alreadyThere.delete(keyOf(input.offset, line))) return true;
    const entry = `${JSON.stringify({ at: formatTimestamp(this.now()), reason: input.reason, detail: input.detail, offset: input.offset ?? null, line })}\n`;
    const bytes = Buffer.byteLength(entry);
    if (this.size + this.pendingBytes + bytes > this.capBytes) {
      if (!this.capped) {
        this.capped = true;
        this.options.onProblem?.(`${path.basename(this.file)} reached ${this.capBytes} bytes; further rejected lines are only counted`);
      }
      return false;
    }
    this.pending.push(entry);
    this.pendingBytes += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return true;
  }

  /** Appends what is queued; resolves when every append so far has finished. */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.length > 0) {
      const text = this.pending.join('');
      const bytes = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      this.size += bytes;
      this.writing = this.writing.then(() =>
        appendNoFollow(this.file, text).catch((err: NodeJS.ErrnoException) => {
          this.options.onProblem?.(`cannot append to ${this.file}: ${describeError(err)}`);
        }),
      );
    }
    return this.writing;
  }
}

/** Keys of the entries of `file` whose offset is past `offset` (a file we cannot read has none). */
function entriesAfter(file: string, offset: number): Set<string> {
  const keys = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return keys;
  }
  for (const row of text.split('\n')) {
    try {
      const entry = JSON.parse(row) as { offset?: unknown; line?: unknown };
      if (typeof entry.offset === 'number' && entry.offset > offset) keys.add(keyOf(entry.offset, typeof entry.line === 'string' ? entry.line : null));
    } catch {
      // not an entry of ours (or a torn last one): nothing to recognise
    }
  }
  return keys;
}
