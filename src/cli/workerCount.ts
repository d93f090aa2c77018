/**
 * How many worker processes a run gets (DESIGN §5). Pure and light: `demo` reads it before the
 * orchestrator's modules are loaded, to say its first line at once.
 */
import type { ValidGraph } from '../graph/validateGraph';

/** Each worker is a node process: past this, a typo (`-n 3000`) rather than a plan. */
const MAX_WORKERS = 256;

/**
 * The workers a graph can use (DESIGN §5): no more than its widest level has tasks (the others
 * would only wait), and at most 256. A cap is said, with why.
 */
export function capWorkers(requested: number, graph: ValidGraph, say: (line: string) => void): number {
  const widest = Math.max(1, ...graph.levels.map((level) => graph.tasks.filter((t) => t.level === level).length));
  const cap = Math.min(widest, MAX_WORKERS);
  if (requested <= cap) return requested;
  say(`--workers ${requested} capped at ${cap}: ${cap === widest ? `the widest level has ${widest} task${widest === 1 ? '' : 's'}` : `at most ${MAX_WORKERS} worker processes`}`);
  return cap;
}
