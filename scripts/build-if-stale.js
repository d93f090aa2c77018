#!/usr/bin/env node
/**
 * Builds `dist/` only when a source is newer than the last build: `npm run demo` on an up-to-date
 * build starts at once instead of waiting for `tsc` to find nothing to do (seconds on a busy
 * machine). Plain JavaScript, so that it runs before anything is compiled.
 *
 * With arguments, it then runs the built CLI with them in this same process (`npm run demo` is
 * `build-if-stale.js demo`): one node start-up less before the demo's first line.
 *
 * A build is current when its stamp (`dist/.tsbuildinfo`, which tsc writes when it emits, or
 * `dist/.built`, written here after a build) is at least as new as every file under `src/`,
 * `tsconfig.json` and `package.json`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const STAMPS = [path.join(dist, '.tsbuildinfo'), path.join(dist, '.built')];

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
};

/** The newest modification time of the files under `dir`. */
function newest(dir) {
  let latest = -Infinity;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : mtime(p));
  }
  return latest;
}

const sources = Math.max(newest(path.join(root, 'src')), mtime(path.join(root, 'tsconfig.json')), mtime(path.join(root, 'package.json')));
const built = Math.max(...STAMPS.map(mtime));
const main = path.join(dist, 'cli', 'main.js');

if (!fs.existsSync(main) || built < sources) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const bundle = spawnSync(process.execPath, [path.join(__dirname, 'bundle-cli.js')], { stdio: 'inherit' });
  if (bundle.status !== 0) process.exit(bundle.status ?? 1);
  fs.writeFileSync(STAMPS[1], `${new Date().toISOString()}\n`);
}

const args = process.argv.slice(2);
if (args.length > 0) require(main).main([process.argv[0], main, ...args]);
