/** Writes lines (each with its newline) to `file`, 10,000 at a time: a generated log is large. */
import * as fs from 'node:fs';

export function writeLines(file: string, lines: Iterable<string>): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let chunk: string[] = [];
  try {
    for (const line of lines) {
      chunk.push(line);
      written += 1;
      if (chunk.length === 10_000) {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    fs.writeSync(fd, chunk.join(''));
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
