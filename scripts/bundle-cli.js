#!/usr/bin/env node
/**
 * Bundles the `mahabharatha` command's start and its one-shot `status` paths into one file,
 * `dist/cli/main.js` (over the one tsc wrote): one file to load instead of some 300 modules
 * (rxjs alone is 226), which is most of a short command's time. Plain JavaScript, run after tsc.
 *
 * What is not bundled stays the package's own modules under `dist/`, loaded when used: the other
 * commands (`rush`, `worker`, `demo`, `--watch`, `--serve`, `metrics export`), which start
 * processes by their file names; `exit` — the errors the command tells from bugs by their class
 * must be one class whichever module throws them — and `terminal`, which keeps the streams
 * whose reader has gone. Libraries loaded only on some paths
 * (blessed, ioredis, prom-client) stay where npm put them.
 */
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** Modules of `src/cli/` left to their own file under `dist/cli/`. */
const OWN_FILES = ['./exit', './terminal', './rush', './worker', './demo', './watch', './serve', './metricsExport'];
const LIBRARIES = ['blessed', 'ioredis', 'prom-client'];

async function bundleCli() {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    outfile: path.join(root, 'dist', 'cli', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: LIBRARIES,
    logLevel: 'warning',
    minifyWhitespace: true,
    minifySyntax: true,
    // fp-ts and io-ts as ES modules too: what is not used is left out.
    mainFields: ['module', 'main'],
    plugins: [
      {
        name: 'own-files',
        setup(build) {
          // rxjs as ES modules (its \`exports\` give Node the CommonJS build): only the operators used are bundled.
          build.onResolve({ filter: /^rxjs(\/operators)?$/ }, (args) => ({
            path: require.resolve(args.path, { paths: [root] }).replace(`${path.sep}dist${path.sep}cjs${path.sep}`, `${path.sep}dist${path.sep}esm${path.sep}`),
          }));
          build.onResolve({ filter: /^\.\/[a-zA-Z]+$/ }, (args) => {
            const fromCli = path.dirname(args.importer) === path.join(root, 'src', 'cli');
            return fromCli && OWN_FILES.includes(args.path) ? { path: `${args.path}.js`, external: true } : undefined;
          });
        },
      },
    ],
  });
}

bundleCli().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
