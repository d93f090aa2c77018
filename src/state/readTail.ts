/** The last lines of a text file (a task's output log), read from its end only. */
import * as fs from 'node:fs';

/** How much of a log's end is read to find its last lines. */
const TAIL_BYTES = 64 * 1024;

/** The last `n` lines of a file, or null when there is no such file (a symlink is not followed). */
export function readTail(file: string, n: number): string[] | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    // A line cut by the read window is not shown half.
    if (size > length) lines.shift();
    return lines.slice(-n);
  } finally {
    fs.closeSync(fd);
  }
}
