/**
 * The shape of `src/` (DESIGN §2, STYLE "Layout"): data flows one way, so imports do too. Every
 * import of every file of src/ is read with the TypeScript compiler API — `import type`,
 * `export … from`, a lazy `import()` and `require()` included — and held against the layers below.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cycles, importGraph, importSpecifiers, parseSource, sourceFiles } from './helpers/sourceFiles';

/**
 * The layers, each with the layers directly beneath it: a file may import its own layer and every
 * layer beneath it, directly or further down — nothing above it, nothing beside it.
 * A layer is a set of path prefixes under src/; the longest prefix that matches a file decides.
 */
const LAYERS: Record<string, { readonly paths: readonly string[]; readonly uses: readonly string[] }> = {
  // Codec helpers (snake_case, JSON depth, JSON Schema generation): no knowledge of the domain.
  codecs: { paths: ['codecs/'], uses: [] },
  // Lifecycle events: codecs, timestamps, line decoding, printable text. Pure.
  events: { paths: ['events/'], uses: ['codecs'] },
  // The task graph: codec, validation, plan, reader.
  graph: { paths: ['graph/'], uses: ['codecs'] },
  // The pure reducer, series, sketches, run facts: no RxJS, no fs.
  metrics: { paths: ['metrics/'], uses: ['events', 'graph'] },
  // The state file: codecs, atomic writes, StateManager, the lock.
  state: { paths: ['state/'], uses: ['metrics'] },
  // Talking to Redis Streams: addresses, keys, entries, connections, stream reads, the publisher.
  broker: { paths: ['broker/'], uses: ['events'] },
  // Adapters → events: in-process, the JSONL tailer, state snapshots, a broker's stream.
  sources: { paths: ['sources/'], uses: ['state', 'broker'] },
  // RxJS wiring: merge, decode, dedupe, scan, multicast, persistence.
  pipeline: { paths: ['pipeline/'], uses: ['sources'] },
  // Runs a graph: worker processes, scheduling; feeds the processor in process.
  orchestrator: { paths: ['orchestrator/'], uses: ['pipeline'] },
  // The broker's side of a run: the work queue `rush` fills and the worker that joins from any host.
  'broker work': { paths: ['broker/runLink.ts', 'broker/worker.ts'], uses: ['orchestrator'] },
  // View-models and printers read snapshots (and the graph): never a file, a source or the pipeline.
  views: { paths: ['views/'], uses: ['metrics'] },
  // Commands: parse, pick a path, print, exit.
  cli: { paths: ['cli/'], uses: ['orchestrator', 'broker work', 'views'] },
  // The public API.
  index: { paths: ['index.ts'], uses: ['orchestrator', 'views'] },
};

function layerOf(file: string): string | null {
  let best: { layer: string; length: number } | null = null;
  for (const [layer, { paths }] of Object.entries(LAYERS)) {
    for (const prefix of paths) {
      if ((file === prefix || file.startsWith(prefix)) && (best === null || prefix.length > best.length)) best = { layer, length: prefix.length };
    }
  }
  return best?.layer ?? null;
}

/** Every layer a layer may import: itself and the closure of its `uses`. */
function allowed(layer: string, seen = new Set<string>()): Set<string> {
  if (seen.has(layer)) throw new Error(`the layers themselves make a circle through ${layer}`);
  const out = new Set([layer]);
  for (const below of LAYERS[layer]?.uses ?? []) for (const l of allowed(below, new Set([...seen, layer]))) out.add(l);
  return out;
}

const sources = sourceFiles();
const graph = importGraph(sources);

const Flow = suite('import flow of src/');

Flow('every file of src/ belongs to a layer', () => {
  const orphans = sources.map((s) => s.file).filter((f) => layerOf(f) === null);
  assert.equal(orphans, [], `files in no layer: ${orphans.join(', ')}`);
});

Flow('the layers read as a line down (no layer reaches one above it)', () => {
  for (const layer of Object.keys(LAYERS)) {
    assert.not.throws(() => allowed(layer));
    for (const below of LAYERS[layer]?.uses ?? []) assert.ok(below in LAYERS, `${layer} uses an unknown layer ${below}`);
  }
});

Flow('no file imports a layer above or beside its own', () => {
  const against: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file) as string;
    const ok = allowed(from);
    for (const target of targets) {
      const to = layerOf(target) as string;
      if (!ok.has(to)) against.push(`${file} (${from}) → ${target} (${to})`);
    }
  }
  assert.equal(against, [], `imports against the flow:\n  ${against.join('\n  ')}`);
});

Flow('no circle of files', () => {
  const circles = cycles(graph).map((c) => c.join(' ↔ '));
  assert.equal(circles, [], `circles of imports:\n  ${circles.join('\n  ')}`);
});

/**
 * Where the packages that do I/O or draw may be imported (STYLE "Layout"): the pure folders import
 * none of them (the one file that reads a task graph excepted), blessed lives only in the
 * dashboard and the Redis client only in broker/.
 */
const IO_PACKAGES = ['rxjs', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'blessed', 'ioredis'];
const PURE = ['codecs/', 'events/', 'metrics/', 'graph/'];
const READS_FILES = ['graph/readGraph.ts'];
const ONLY_IN: Record<string, readonly string[]> = { blessed: ['views/dashboard/'], ioredis: ['broker/'] };

Flow('the pure folders import no I/O, no RxJS, no terminal; blessed and ioredis stay in their corners', () => {
  const wrong: string[] = [];
  for (const source of sources) {
    const packages = importSpecifiers(source).filter((spec) => !spec.startsWith('.'));
    const pure = PURE.some((p) => source.file.startsWith(p)) && !READS_FILES.includes(source.file);
    for (const pkg of packages) {
      const root = pkg.startsWith('rxjs/') ? 'rxjs' : pkg;
      if (pure && IO_PACKAGES.includes(root)) wrong.push(`${source.file} imports ${pkg}`);
      const only = ONLY_IN[root];
      if (only !== undefined && !only.some((p) => source.file.startsWith(p))) wrong.push(`${source.file} imports ${pkg} (only in ${only.join(', ')})`);
    }
  }
  assert.equal(wrong, [], `imports out of place:\n  ${wrong.join('\n  ')}`);
});

Flow.run();

const Reader = suite('the import reader');

Reader('finds every kind of import and the circles they make', () => {
  const files = [
    parseSource('a/one.ts', "import { x } from './two';\nimport type { Y } from '../b/three';\nexport { z } from 'rxjs';"),
    parseSource('a/two.ts', "export const x = 1;\nconst lazy = () => import('../b/three');\nconst r = require('./one');"),
    parseSource('b/three.ts', "export * from './index';\ntype T = import('../a/one').Q;"),
    parseSource('b/index.ts', 'export const q = 1;'),
  ];
  const g = importGraph(files);
  assert.equal(g.get('a/one.ts'), ['a/two.ts', 'b/three.ts']);
  assert.equal(g.get('a/two.ts'), ['a/one.ts', 'b/three.ts']);
  assert.equal(g.get('b/three.ts'), ['a/one.ts', 'b/index.ts']);
  assert.equal(cycles(g), [['a/one.ts', 'a/two.ts', 'b/three.ts']]);
});

Reader('places a file in the layer of its longest prefix', () => {
  assert.is(layerOf('broker/url.ts'), 'broker');
  assert.is(layerOf('broker/runLink.ts'), 'broker work');
  assert.is(layerOf('index.ts'), 'index');
  assert.ok(allowed('cli').has('codecs'));
  assert.not.ok(allowed('views').has('pipeline'));
  assert.not.ok(allowed('pipeline').has('orchestrator'));
});

Reader.run();

