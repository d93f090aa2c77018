/**
 * A task graph from its text: JSON, then upstream's format (decoded, never cast), then the checks
 * of `validateGraph`. Pure: every failure is one readable message naming the file and the task(s),
 * so `rush`, `demo` and `status` word a bad graph the same way.
 */
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type * as t from 'io-ts';
import { TaskGraph } from './taskGraph';
import { validateGraph, type ValidGraph } from './validateGraph';

/** At most this many problems are spelled out; the rest are counted. */
const MAX_PROBLEMS = 6;

/** `text` (the content of `file`) as a graph ready to run, or every reason why not. */
export function parseGraph(text: string, file: string, options: { feature?: string } = {}): E.Either<string, ValidGraph> {
  return pipe(decodeGraph(text, file), E.chain(checkGraph(file, options)));
}

/** `text` as upstream's task graph, decoded but not validated (a reader of its levels needs no more). */
export function decodeGraph(text: string, file: string): E.Either<string, TaskGraph> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return E.left(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const decoded = TaskGraph.decode(json);
  return E.isLeft(decoded) ? E.left(`${file} is not a task graph: ${describeGraphErrors(decoded.left)}`) : decoded;
}

/** A decoded graph, validated; the problems summed up in one message naming `file`. */
export const checkGraph =
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
