/**
 * One attempt's output kept in a file (`.mahabharatha/logs/tasks/{task}/attempt-{n}.log`): stdout
 * and stderr as they arrive, up to a cap, after which one line says the rest was left out. The
 * file is opened without following a symlink; it is the worker's, written by nobody else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirs } from '../state/makeDirs';

/** What one attempt's log may hold (1 MiB), as upstream caps its task logs. */
export const ATTEMPT_LOG_CAP_BYTES = 1024 * 1024;

export const capNote = (cap: number): string => `\n[mahabharatha: output past ${cap / (1024 * 1024)} MB left out of this log]\n`;

export class AttemptLog {
  private written = 0;
  private capped = false;

  private constructor(
    private fd: number | null,
    private readonly cap: number,
  ) {}

  /** Creates (or empties) the log; throws when it cannot (a symlink in its place, no permission...). */
  static open(file: string, cap = ATTEMPT_LOG_CAP_BYTES): AttemptLog {
    makeDirs(path.dirname(file));
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;
    return new AttemptLog(fs.openSync(file, flags, 0o644), cap);
  }

  write(chunk: Buffer): void {
    if (this.fd === null || this.capped) return;
    const room = this.cap - this.written;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    try {
      fs.writeSync(this.fd, part);
      this.written += part.length;
      if (chunk.length > room) {
        this.capped = true;
        fs.writeSync(this.fd, capNote(this.cap));
      }
    } catch {
      // A full disk or a vanished dir: the task goes on, its log stops here.
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing is best effort: nothing more will be written either way.
    }
    this.fd = null;
  }
}
