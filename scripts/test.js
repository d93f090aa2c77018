#!/usr/bin/env node
/**
 * The test runner of `npm test` and `npm run test:unit`: runs `test/**\/*.test.ts` with uvu in
 * `--jobs` worker processes at once (default: one per core), each taking the next file from one
 * queue as it frees up. Files that drive processes (the CLI, Redis, tmux) wait on them more than
 * they compute, so they go first; the in-process files fill the gaps.
 *
 * Each file's output is printed whole when it ends, with uvu's own `Total:`, `Passed:` and
 * `Skipped:` lines (`.ci/run` adds them up); the exit status is 1 when a test failed or a worker
 * died. Plain JavaScript, so that it runs before anything is compiled.
 *
 *   node scripts/test.js [--unit] [--jobs N] [--times] [pattern ...]
 *
 * `--unit` runs only the files that start no process (the fast loop; the few files that check
 * behaviour at scale are left out too) and fails any test that tries to; `--times` ends with each
 * file's time, slowest first (to find what to make faster); patterns (regular expressions over the path under `test/`) pick files.
 */
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MARK } = require('./testProtocol');

const root = path.resolve(__dirname, '..');
const testDir = path.join(root, 'test');

/**
 * Files whose tests start processes: the built CLI, Redis, tmux, Prometheus, crash-point children,
 * commands run by the orchestrator. `--unit` leaves them out (and its guard catches any other).
 */
const PROCESS_TESTS = [
  /^broker\//,
  /^cli\//,
  /^events\/(fastDecode|range|timestamp)\.test\.ts$/,
  /^orchestrator\/(runCommand|workerProcess)\.test\.ts$/,
  /^pipeline\/processor\.crash\.test\.ts$/,
  /^readme\.test\.ts$/,
  /^security\/terminalInjection\.test\.ts$/,
  /^state\/(safeFiles|stateManager)\.test\.ts$/,
  /^views\/format\.test\.ts$/,
];

/** Files that check behaviour at scale (a 100k-line log, 520 generated runs): seconds each, left out of `--unit`. */
const SCALE_TESTS = [/^pipeline\/processor\.badInput\.test\.ts$/, /^reference\/differential\.test\.ts$/];

const USAGE = 'usage: node scripts/test.js [--unit] [--jobs N] [--times] [pattern ...]';

/** The options, or a message saying what is wrong with the arguments. */
function parseArgs(argv) {
  const options = { unit: false, times: false, jobs: Math.max(1, os.availableParallelism()), patterns: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--unit') options.unit = true;
    else if (arg === '--times') options.times = true;
    else if (arg === '--jobs') options.jobs = Number(argv[++i]);
    else if (arg.startsWith('-')) return `unknown option ${arg}\n${USAGE}`;
    else {
      try {
        options.patterns.push(new RegExp(arg));
      } catch {
        return `not a regular expression: ${arg}\n${USAGE}`;
      }
    }
  }
  if (!Number.isInteger(options.jobs) || options.jobs < 1) return `--jobs takes a whole number of at least 1\n${USAGE}`;
  return options;
}

/** Every test file, as a path under `test/` with `/` separators, sorted. */
function testFiles(dir = testDir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(full);
      return entry.name.endsWith('.test.ts') ? [path.relative(testDir, full).split(path.sep).join('/')] : [];
    })
    .sort();
}

const startsProcesses = (file) => PROCESS_TESTS.some((p) => p.test(file));

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(options);
    process.exitCode = 2;
    return;
  }
  const files = testFiles().filter((f) => (options.patterns.length === 0 || options.patterns.some((p) => p.test(f))) && !(options.unit && (startsProcesses(f) || SCALE_TESTS.some((p) => p.test(f)))));
  if (files.length === 0) {
    console.error('no test file matches');
    process.exitCode = 1;
    return;
  }
  // The waiting files first: they overlap with each other and with the computing ones.
  const queue = [...files.filter(startsProcesses), ...files.filter((f) => !startsProcesses(f))];
  const started = Date.now();
  let failed = false;
  /** Seconds each file took, from being sent to its worker to its end mark. */
  const took = [];
  let workers = Math.min(options.jobs, queue.length);
  const finish = () => {
    workers -= 1;
    if (workers > 0) return;
    if (options.times) {
      for (const [name, s] of took.sort((a, b) => b[1] - a[1])) process.stdout.write(`${s.toFixed(1).padStart(7)} s  ${name}\n`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${files.length} test files in ${seconds} s (${Math.min(options.jobs, files.length)} at a time)${failed ? ': some failed' : ''}\n`);
    process.exitCode = failed ? 1 : 0;
  };
  for (let w = 0; w < workers; w += 1) {
    const worker = fork(path.join(__dirname, 'testWorker.js'), [], {
      cwd: root,
      execArgv: ['-r', 'tsx/cjs', ...(options.unit ? ['-r', path.join(testDir, 'helpers', 'noProcesses.js')] : [])],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let output = '';
    let current = null;
    let sentAt = 0;
    const next = () => {
      if (current !== null) took.push([current, (Date.now() - sentAt) / 1000]);
      current = queue.shift() ?? null;
      sentAt = Date.now();
      if (current === null) worker.send({ stop: true });
      else worker.send({ file: path.join(testDir, current), name: current });
    };
    worker.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      // The worker ends each file's output with a mark that says whether a test failed.
      for (let at = output.indexOf(MARK); at >= 0; at = output.indexOf(MARK)) {
        const end = output.indexOf('\n', at);
        if (end < 0) break;
        process.stdout.write(output.slice(0, at));
        if (output.slice(at + MARK.length, end) !== '0') failed = true;
        output = output.slice(end + 1);
        next();
      }
    });
    // 'close', not 'exit': what the worker printed before it ended is all read by then.
    worker.on('close', (code, signal) => {
      if (current !== null || code !== 0) {
        failed = true;
        process.stdout.write(output);
        console.error(`the test worker ended (${signal ?? `exit ${code}`}) while running ${current ?? 'nothing'}`);
      }
      finish();
    });
    next();
  }
}

main();
