/**
 * Where a feature's files live in a state dir (DESIGN §3) and which features a dir holds.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_STATE_DIR = path.join('.mahabharatha', 'state');

export const statePath = (stateDir: string, feature: string): string => path.join(stateDir, `${feature}.json`);
export const eventsPath = (stateDir: string, feature: string): string => path.join(stateDir, `${feature}-events.jsonl`);
export const rejectedPath = (stateDir: string, feature: string): string => path.join(stateDir, `${feature}.rejected.jsonl`);

/**
 * Upstream keeps the task graph beside the state dir's project: `.gsd/specs/{feature}/task-graph.json`,
 * relative to the working directory that holds `.mahabharatha/`.
 */
export const upstreamGraphPath = (stateDir: string, feature: string): string =>
  path.join(path.resolve(stateDir), '..', '..', '.gsd', 'specs', feature, 'task-graph.json');

export interface FeatureEntry {
  readonly feature: string;
  /** Newest modification time of its state file or events log (epoch ms). */
  readonly mtimeMs: number;
  readonly hasState: boolean;
  readonly hasEvents: boolean;
}

const STATE_FILE = /^(.+)\.json$/;
const EVENTS_FILE = /^(.+)-events\.jsonl$/;

/**
 * Features found in a state dir, newest first. A `{x}.json` counts only when it looks like a state
 * file (an object whose `feature` is `x`), so other JSON files there are ignored.
 */
export function listFeatures(stateDir: string): FeatureEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir);
  } catch {
    return [];
  }
  const found = new Map<string, { mtimeMs: number; hasState: boolean; hasEvents: boolean }>();
  const note = (feature: string, file: string, kind: 'hasState' | 'hasEvents'): void => {
    let mtimeMs = 0;
    try {
      mtimeMs = fs.statSync(path.join(stateDir, file)).mtimeMs;
    } catch {
      return;
    }
    const entry = found.get(feature) ?? { mtimeMs: 0, hasState: false, hasEvents: false };
    entry[kind] = true;
    entry.mtimeMs = Math.max(entry.mtimeMs, mtimeMs);
    found.set(feature, entry);
  };
  for (const name of names) {
    const events = EVENTS_FILE.exec(name);
    if (events?.[1]) {
      note(events[1], name, 'hasEvents');
      continue;
    }
    const state = STATE_FILE.exec(name);
    if (state?.[1] && looksLikeStateOf(path.join(stateDir, name), state[1])) note(state[1], name, 'hasState');
  }
  return [...found.entries()]
    .map(([feature, e]) => ({ feature, ...e }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || a.feature.localeCompare(b.feature));
}

/** Bytes of a state file's head read to tell whether it is one: ours and upstream's write `feature` first. */
const HEAD_BYTES = 4096;

/**
 * Cheap check on the file head: a state file starts as an object naming its feature. Only the
 * head is read (a state file can be tens of MB): a file that fits in it is parsed; a longer one
 * counts when its first key is `feature` with that name.
 */
function looksLikeStateOf(file: string, feature: string): boolean {
  let head: string;
  let whole: boolean;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES + 1);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      whole = n <= HEAD_BYTES;
      head = buf.toString('utf8', 0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return true;
  }
  if (!whole) return new RegExp(`^\\s*\\{\\s*"feature"\\s*:\\s*${escapeRegExp(JSON.stringify(feature))}\\s*[,}]`).test(head);
  try {
    const parsed: unknown = JSON.parse(head);
    return typeof parsed === 'object' && parsed !== null && (parsed as { feature?: unknown }).feature === feature;
  } catch {
    // A corrupt state file still names a feature the user may ask about; its name is the hint.
    return true;
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What to do when there is nothing to show yet. */
export const START_HINT = 'start a run with `mahabharatha rush --graph <task-graph.json>`, or try `npm run demo`';

export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export const noStateDirMessage = (stateDir: string): string =>
  fs.existsSync(stateDir) ? `${stateDir} is not a directory: give the state directory (--state-dir)` : `no state directory at ${stateDir}: nothing has run here yet; ${START_HINT}`;

export const unknownFeatureMessage = (feature: string, stateDir: string, found: readonly string[]): string =>
  `unknown feature ${JSON.stringify(feature)} in ${stateDir}; ${found.length > 0 ? `features found: ${found.join(', ')}` : `no features there yet; ${START_HINT}`}`;

/** DESIGN §6 auto-detection: `MAHABHARATHA_FEATURE`, then the newest feature in the dir. */
export function detectFeature(stateDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.MAHABHARATHA_FEATURE?.trim();
  if (fromEnv) return fromEnv;
  return listFeatures(stateDir)[0]?.feature;
}

/**
 * Where `rush` keeps each attempt's output: `.mahabharatha/logs/tasks/` beside the state dir when
 * that is `.mahabharatha/state` (any dir named `state`: its parent is the `.mahabharatha/` of the
 * project), else `logs/tasks/` inside the state dir, so that a run in its own directory keeps its
 * logs there instead of beside it.
 */
export function taskLogsDir(stateDir: string): string {
  const dir = path.resolve(stateDir);
  return path.basename(dir) === 'state' ? path.join(path.dirname(dir), 'logs', 'tasks') : path.join(dir, 'logs', 'tasks');
}

/** Longest file name made from a task id before it is shortened (file systems allow 255 bytes). */
const MAX_NAME = 120;

/**
 * A task id as one file name: letters, digits, `_` and `-` stay, every other byte is written
 * `%XX` (so `/`, `.` and `..` can name no other place), and a very long id is cut and ends with a
 * hash of the whole, so two ids never share a name.
 */
export function taskFileName(taskId: string): string {
  let name = '';
  for (const byte of Buffer.from(taskId, 'utf8')) {
    const c = String.fromCharCode(byte);
    name += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name === '') return '%';
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, MAX_NAME - 17)}~${createHash('sha256').update(taskId).digest('hex').slice(0, 16)}`;
}

export const taskLogDir = (stateDir: string, taskId: string): string => path.join(taskLogsDir(stateDir), taskFileName(taskId));
export const attemptLogPath = (stateDir: string, taskId: string, attempt: number): string => path.join(taskLogDir(stateDir, taskId), `attempt-${attempt}.log`);
