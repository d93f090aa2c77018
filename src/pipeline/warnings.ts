/**
 * Rate-limited warnings: bad input can arrive by the thousand, and one line per bad line would
 * drown the terminal. At most one message per period; the next one says how many were suppressed.
 */
import { printable } from '../events/printable';
import { UnsafeFileError } from '../state/safeFiles';

export interface Warner {
  warn(message: string): void;
}

export class RateLimitedWarner implements Warner {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly periodMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string): void {
    const t = this.now();
    if (t - this.lastAt < this.periodMs) {
      this.suppressed += 1;
      return;
    }
    const more = this.suppressed > 0 ? ` (${this.suppressed} similar warning${this.suppressed === 1 ? '' : 's'} suppressed)` : '';
    this.suppressed = 0;
    this.lastAt = t;
    this.write(`${message}${more}`);
  }
}

/** An I/O error in a message: its code (`ENOENT`), else its text. */
export const describeError = (err: unknown): string =>
  err instanceof UnsafeFileError ? `it is ${err.what}, not a regular file (${err.code})` : ((err as NodeJS.ErrnoException | null)?.code ?? (err as Error | null)?.message ?? String(err));

export const stderrWarner = (): RateLimitedWarner => new RateLimitedWarner((line) => process.stderr.write(`mahabharatha: ${printable(line)}\n`));
