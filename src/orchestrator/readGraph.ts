/**
 * Reads a task-graph file: the file, its JSON, the upstream format (decoded, never cast), then the
 * checks of `validateGraph`. Every failure is one readable message naming the file and the task(s).
 * `status` reads graphs through `readGraphFile` too, so both commands word a bad graph the same way.
 */
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as fs from 'node:fs';
import type * as t from 'io-ts';
import { TaskGraph } from './taskGraph';
import { validateGraph, ValidGraph } from './validateGraph';

/** At most this many problems are spelled out; the rest are counted. */
const MAX_PROBLEMS = 6;

export function parseGraph(text: string, file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  return pipe(decodeGraph(text, file), E.chain(checked(file, options)));
}

export function readGraph(file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  return pipe(readGraphFile(file), E.mapLeft((problem) => problem.message), E.chain(checked(file, options)));
}

/**
 * The task graph in `file` as upstream wrote it, decoded but not validated (a reader of its levels
 * needs no more). Left: why not, with `missing` when there is no such file.
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

function decodeGraph(text: string, file: string): E.Either<string, TaskGraph> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return E.left(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const decoded = TaskGraph.decode(json);
  return E.isLeft(decoded) ? E.left(`${file} is not a task graph: ${describeGraphErrors(decoded.left)}`) : decoded;
}

const checked =
  (file: string, options: { feature?: string }) =>
  (graph: TaskGraph): E.Either<string, ValidGraph> =>
    pipe(
      validateGraph(graph, options),
      E.mapLeft((problems) => `invalid task graph ${file}: ${summarize(problems)}`),
    );

function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
  const more = problems.length - MAX_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more problem${more === 1 ? '' : 's'}` : shown;
}

/**
 * "tasks[0].level: expected NonNegativeInt, got -1": the path a person can find in the file
 * (io-ts also puts the member index of each intersection into the path; those are dropped).
 */
function describeGraphErrors(errors: t.Errors, max = 3): string {
  // One problem per place: each member of an intersection reports the same bad value again.
  const byPlace = new Map<string, string>();
  for (const e of errors) {
    let where = '';
    e.context.forEach((entry, i) => {
      const parent = i > 0 ? (e.context[i - 1]?.type as { _tag?: string } | undefined) : undefined;
      if (entry.key === '' || parent?._tag === 'IntersectionType' || parent?._tag === 'UnionType') return;
      where += /^\d+$/.test(entry.key) ? `[${entry.key}]` : `${where ? '.' : ''}${entry.key}`;
    });
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value';
    const got = e.value === undefined ? 'nothing' : JSON.stringify(e.value).slice(0, 40);
    if (!byPlace.has(where)) byPlace.set(where, `${where || '(root)'}: ${e.message ?? `expected ${expected}, got ${got}`}`);
  }
  const lines = [...byPlace.values()];
  const more = lines.length - max;
  return lines.slice(0, max).join('; ') + (more > 0 ? `; and ${more} more` : '');
}
