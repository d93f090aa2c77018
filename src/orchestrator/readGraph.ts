/**
 * Reads a task-graph file: the file, its JSON, the upstream format (decoded, never cast), then the
 * checks of `validateGraph`. Every failure is one readable message naming the file and the task(s).
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { describeErrors } from '../codecs/snakeCase';
import { TaskGraph } from './taskGraph';
import { validateGraph, ValidGraph } from './validateGraph';

/** At most this many problems are spelled out; the rest are counted. */
const MAX_PROBLEMS = 6;

export function parseGraph(text: string, file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return E.left(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const decoded = TaskGraph.decode(json);
  if (E.isLeft(decoded)) return E.left(`${file} is not a task graph: ${describeErrors(decoded.left)}`);
  const valid = validateGraph(decoded.right, options);
  if (E.isLeft(valid)) return E.left(`invalid task graph ${file}: ${summarize(valid.left)}`);
  return valid;
}

export function readGraph(file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    return E.left(`cannot read task graph ${file}: ${why}`);
  }
  return parseGraph(text, file, options);
}

function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
  const more = problems.length - MAX_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more problem${more === 1 ? '' : 's'}` : shown;
}
