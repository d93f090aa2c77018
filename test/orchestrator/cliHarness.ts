/**
 * Running the built `mahabharatha` binary in end-to-end tests, and reading what a run leaves.
 */
import * as E from 'fp-ts/Either';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LifecycleEvent } from '../../src/events/codecs';
import { decodeLine } from '../../src/events/decode';
import { StateFile } from '../../src/state/codecs';
import { eventsPath, statePath } from '../../src/state/layout';
import { HANG_GUARD_MS, waitUntil } from '../helpers/waitUntil';

export const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export function requireBuild(): void {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Started {
  readonly child: ChildProcess;
  readonly result: Promise<CliRun>;
  /** Current stdout so far. */
  stdout(): string;
}

/** Starts `node dist/cli/main.js ...args`; killed (and the test failing) if it hangs: after `timeoutMs`. */
export function startCli(args: readonly string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Started {
  requireBuild();
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timeoutMs = options.timeoutMs ?? 2 * HANG_GUARD_MS;
  const result = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mahabharatha ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result, stdout: () => stdout };
}

export const runCli = (args: readonly string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliRun> => startCli(args, options).result;

/**
 * Writes `dir/graph.json`: `feature`'s tasks `ids`, `perLevel` to a level from level 1, each
 * running `sleep <sleepS>` and then appending a line to `runs/<id>` (the directory is made here).
 */
export function writeCountingGraph(dir: string, feature: string, ids: readonly string[], perLevel: number, sleepS: number): string {
  fs.mkdirSync(path.join(dir, 'runs'));
  const tasks = ids.map((id, i) => ({
    id,
    title: id,
    level: Math.floor(i / perLevel) + 1,
    dependencies: [],
    verification: { command: `sleep ${sleepS}; echo ok >> runs/${id}`, timeout_seconds: 10 },
  }));
  const file = path.join(dir, 'graph.json');
  fs.writeFileSync(file, JSON.stringify({ feature, tasks }));
  return file;
}

/** Copies a graph fixture into `dir` (task commands write their markers beside it). */
export function copyGraph(name: string, dir: string): string {
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'graphs', name), target);
  return target;
}

export function readState(stateDir: string, feature: string): StateFile {
  const decoded = StateFile.decode(JSON.parse(fs.readFileSync(statePath(stateDir, feature), 'utf8')));
  if (E.isLeft(decoded)) throw new Error(`the state file of ${feature} does not decode`);
  return decoded.right;
}

/** Every line of the events log, decoded; `rejects` lists the lines that did not decode. */
export function readEvents(stateDir: string, feature: string): { events: LifecycleEvent[]; rejects: string[] } {
  const file = eventsPath(stateDir, feature);
  if (!fs.existsSync(file)) return { events: [], rejects: [] };
  const events: LifecycleEvent[] = [];
  const rejects: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const r = decodeLine(line);
    if (E.isRight(r)) events.push(r.right);
    else rejects.push(`${r.left.reason}: ${line}`);
  }
  return { events, rejects };
}

/** How many times each task's command succeeded (each success appends a line to `<id>.runs`). */
export function runsOf(dir: string, taskId: string): number {
  const file = path.join(dir, `${taskId}.runs`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Waits (reading the log again and again) until `found` holds for the events recorded so far. */
export function waitForEvents(stateDir: string, feature: string, found: (events: LifecycleEvent[]) => boolean): Promise<LifecycleEvent[]> {
  return waitUntil(`the events log of ${feature} to show what is awaited`, () => {
    const { events } = readEvents(stateDir, feature);
    return found(events) ? events : null;
  });
}

/** Lists a directory tree (relative paths), to check that nothing was written. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      out.push(path.relative(dir, p));
      if (entry.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}
