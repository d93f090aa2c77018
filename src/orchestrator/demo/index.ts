/**
 * The bundled demo graph: the seed's own plan (worker-metrics, 8 tasks over 4 levels of widths
 * 1-3-2-2), with commands that take 1–6 s and one task (WM-003) that fails once and passes on retry.
 * Imported as a module so the build ships it inside dist/.
 */
import demoGraph from './worker-metrics.task-graph.json';

/** The graph as JSON data: it goes through the same decoding and checks as any graph file. */
export const DEMO_GRAPH: unknown = demoGraph;
