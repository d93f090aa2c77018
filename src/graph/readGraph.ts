/**
 * Task-graph files: read, then parsed by `parseGraph`. `rush` and `demo` need a graph that passes
 * every check (`readGraph`); `status` needs only a graph's levels and totals, and tells a missing
 * graph (most runs have none) from an unreadable one (`readTaskGraph`).
 */
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as fs from 'node:fs';
import { checkGraph, decodeGraph } from './parseGraph';
import type { TaskGraph } from './taskGraph';
import type { ValidGraph } from './validateGraph';

/** The graph in `file`, checked and planned. */
export function readGraph(file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  return pipe(readGraphFile(file), E.mapLeft((problem) => problem.message), E.chain(checkGraph(file, options)));
}

/**
 * The task graph in `file` as upstream wrote it, decoded but not validated. Left: why not, with
 * `missing` when there is no such file.
 */
export function readGraphFile(file: string): E.Either<{ readonly missing: boolean; readonly message: string }, TaskGraph> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    return E.left({ missing: e.code === 'ENOENT', message: `cannot read task graph ${file}: ${why}` });
  }
  return pipe(
    decodeGraph(text, file),
    E.mapLeft((message) => ({ missing: false, message })),
  );
}

export type GraphRead = { readonly graph: TaskGraph | null; readonly warning: string | null };

/** The graph when there is a readable one; a missing graph is no warning (most runs have none). */
export function readTaskGraph(file: string): GraphRead {
  const read = readGraphFile(file);
  if (E.isRight(read)) return { graph: read.right, warning: null };
  return { graph: null, warning: read.left.missing ? null : read.left.message };
}
