/**
 * The state file `{feature}.json` (DESIGN §3.1): loading it, keeping it in memory, saving it
 * atomically, and the seed's recording API (seed §3.4).
 *
 * One writer per file: only the process that owns a run (the orchestrator, or the metrics processor
 * in persist mode) may create a StateManager and call `load`/`save` for a feature. Everything else —
 * `status`, exports, dashboards — reads with `readStateFile` / `read()`, which never writes, never
 * renames and never removes a file. Two writers would not corrupt the file (each write is atomic),
 * but the later rename would silently drop the other's changes.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../codecs/jsonDepth';
import { describeErrors } from '../codecs/snakeCase';
import { formatTimestamp } from '../events/timestamp';
import { toEpochMs } from '../metrics/duration';
import { FeatureMetrics } from '../metrics/types';
import { removeStaleTemps, writeFileAtomic, writeFileAtomicSync } from './atomicWrite';
import { initialState, LevelState, StateFile, TaskState, WorkerState } from './codecs';
import { statePath } from './layout';
import { readNoFollowSync } from './safeFiles';
import { makeDirs } from './makeDirs';

export interface StateManagerOptions {
  readonly stateDir: string;
  readonly feature: string;
  /** Zone of naive timestamps found in the file (upstream writes local time); see `parseTimestamp`. */
  readonly naiveTz?: string;
  /** Clock for default timestamps and for the name of a `.corrupt-` copy (default `Date.now`). */
  readonly now?: () => number;
}

/** A moment to record: epoch milliseconds or a Date. */
export type Moment = number | Date;

/** Why a state file could not be read: `corrupt` = its bytes are not a state file; `io` = the OS said no. */
export interface StateReadError {
  readonly kind: 'corrupt' | 'io';
  readonly file: string;
  /** One line, for a person. */
  readonly reason: string;
}

/** A state file whose bytes are not a state file. It has been moved aside to `corruptPath`. */
export class CorruptStateError extends Error {
  readonly file: string;
  readonly reason: string;
  readonly corruptPath: string;
  constructor(file: string, reason: string, corruptPath: string) {
    super(`state file ${file} is unreadable (${reason}); moved aside to ${corruptPath}`);
    this.name = 'CorruptStateError';
    this.file = file;
    this.reason = reason;
    this.corruptPath = corruptPath;
  }
}

/** The OS refused to read the state file (permissions, a directory in its place...). Nothing was changed. */
export class StateAccessError extends Error {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`cannot read state file ${file}: ${reason}`);
    this.name = 'StateAccessError';
    this.file = file;
    this.reason = reason;
  }
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

/** Binary garbage is not worth quoting in a JSON parse error: say what it is. */
function looksBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  return !Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

/** Parses and decodes the bytes of a state file; Left is the reason it is not one. */
export function decodeStateBytes(bytes: Buffer): E.Either<string, StateFile> {
  if (bytes.length === 0) return E.left('empty file (0 bytes)');
  if (looksBinary(bytes)) return E.left(`binary data, not JSON text (${bytes.length} bytes)`);
  // A byte-order mark (a file saved by some editors) is not part of the JSON.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // Out of range (DESIGN §8): the decoders recurse, and a state file never nests this deep.
  if (nestsDeeperThan(text)) return E.left(`out_of_range: nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return E.left(`invalid JSON, truncated or damaged: ${oneLine((err as Error).message)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return E.left(`not a state file: expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  // The codec's guard first: it allocates nothing, and the state file's codecs change no value, so
  // what it accepts decodes to itself. Decoding proper (several times slower on a large file) then
  // runs only for a file it rejects, to say why.
  if (StateFile.is(parsed)) return E.right(parsed);
  const decoded = StateFile.decode(parsed);
  if (E.isLeft(decoded)) return E.left(`not a state file: ${oneLine(describeErrors(decoded.left))}`);
  return E.right(decoded.right);
}

/**
 * Reads a state file without side effects: Right(null) when there is none, Right(state) when it
 * decodes, Left(error) otherwise. For readers (`status`), which must never write.
 */
export function readStateFile(file: string): E.Either<StateReadError, StateFile | null> {
  let bytes: Buffer;
  try {
    bytes = readNoFollowSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return E.right(null);
    return E.left({ kind: 'io', file, reason: e.code ? `${e.code}: ${oneLine(e.message)}` : oneLine(e.message) });
  }
  return E.mapLeft((reason: string): StateReadError => ({ kind: 'corrupt', file, reason }))(decodeStateBytes(bytes));
}

/** `2026-01-27T08-45-34-512Z`: an ISO UTC stamp with no `:` (not allowed in Windows file names). */
export const fileSafeStamp = (epochMs: number): string => formatTimestamp(epochMs).replace(/[:.]/g, '-');

/**
 * Moves a corrupt file aside under `{file}.corrupt-<UTC time>` without ever replacing an existing
 * file (a second corrupt copy in the same millisecond gets a `-1`, `-2`... suffix). Returns the new path.
 */
export function moveAside(file: string, epochMs: number): string {
  const stem = `${file}.corrupt-${fileSafeStamp(epochMs)}`;
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? stem : `${stem}-${i}`;
    if (fs.existsSync(candidate)) continue;
    fs.renameSync(file, candidate);
    return candidate;
  }
}

const toEpoch = (at: Moment): number => (typeof at === 'number' ? at : at.getTime());

export class StateManager {
  readonly file: string;
  readonly feature: string;
  private readonly dir: string;
  private readonly naiveTz: string | undefined;
  private readonly now: () => number;
  private current: StateFile;
  private tempsCleaned = false;
  /** Writes are numbered; a write older than the last one committed is dropped, never renamed over it. */
  private lastGeneration = 0;
  private committedGeneration = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: StateManagerOptions) {
    this.feature = options.feature;
    this.dir = options.stateDir;
    this.file = statePath(options.stateDir, options.feature);
    this.naiveTz = options.naiveTz;
    this.now = options.now ?? Date.now;
    this.current = initialState(options.feature);
  }

  /** The state in memory (mutated in place by the setters; do not keep it across them). */
  get state(): StateFile {
    return this.current;
  }

  /** Replaces the state in memory (e.g. with one derived from a metrics snapshot); `save()` persists it. */
  replace(next: StateFile): void {
    this.current = next;
  }

  /**
   * Reads the file into memory, as the writer of this feature. No file → the initial state. A file
   * that does not parse or decode is renamed to `{feature}.json.corrupt-<time>` (its bytes kept, nothing
   * overwritten), the state in memory becomes the initial one, and a `CorruptStateError` is thrown so
   * the caller can count it and rebuild from the events log. An I/O error throws `StateAccessError`.
   */
  load(): StateFile {
    this.cleanTemps();
    const read = readStateFile(this.file);
    if (E.isRight(read)) {
      this.current = read.right ?? initialState(this.feature);
      return this.current;
    }
    if (read.left.kind === 'io') throw new StateAccessError(this.file, read.left.reason);
    const corruptPath = moveAside(this.file, this.now());
    this.current = initialState(this.feature);
    throw new CorruptStateError(this.file, read.left.reason, corruptPath);
  }

  /** Side-effect-free read of the file on disk (the state in memory is not touched). */
  read(): E.Either<StateReadError, StateFile | null> {
    return readStateFile(this.file);
  }

  /**
   * Writes the state in memory atomically. Saves run one after another in call order; each writes
   * the state as it was when `save()` was called. A failed save rejects and leaves the old file.
   */
  save(): Promise<void> {
    this.cleanTemps();
    const generation = ++this.lastGeneration;
    const text = this.serialize();
    const write = async (): Promise<void> => {
      if (generation <= this.committedGeneration) return;
      makeDirs(this.dir);
      const committed = await writeFileAtomic(this.file, text, { shouldCommit: () => generation > this.committedGeneration });
      if (committed) this.committedGeneration = generation;
    };
    const result = this.queue.then(write);
    // The queue carries on after a failure; the caller sees the failure through `result`.
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Writes the state in memory now, synchronously (shutdown flushes). An asynchronous save still in
   * flight will not be renamed over it.
   */
  saveSync(): void {
    this.cleanTemps();
    const generation = ++this.lastGeneration;
    makeDirs(this.dir);
    writeFileAtomicSync(this.file, this.serialize());
    this.committedGeneration = generation;
  }

  /** Resolves when every save called so far has finished (successfully or not). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private serialize(): string {
    return `${JSON.stringify(this.current, null, 2)}\n`;
  }

  private cleanTemps(): void {
    if (this.tempsCleaned) return;
    this.tempsCleaned = true;
    removeStaleTemps(this.dir, path.basename(this.file));
  }

  /** A stored stamp (naive upstream or UTC) as epoch ms, or null when absent or unreadable. */
  epochOf(stamp: string | null | undefined): number | null {
    return toEpochMs(stamp, this.naiveTz === undefined ? {} : { naiveTz: this.naiveTz });
  }

  // ---- the seed's API (seed §3.4) -------------------------------------------------------------

  /** Stores the feature's metrics (their snake_case dict). */
  storeMetrics(metrics: FeatureMetrics): void {
    this.current.metrics = FeatureMetrics.encode(metrics) as unknown as Record<string, unknown>;
  }

  /** The stored metrics, decoded strictly (missing keys take their defaults); null when absent or not decodable. */
  getMetrics(): FeatureMetrics | null {
    const stored = this.current.metrics;
    if (stored === null || stored === undefined) return null;
    const decoded = FeatureMetrics.decode(stored);
    return E.isRight(decoded) ? decoded.right : null;
  }

  /** The task claimed by a worker: `claimed_at`, `worker_id`, status `claimed`. */
  recordTaskClaimed(taskId: string, workerId: number, at: Moment = this.now()): void {
    const stamp = formatTimestamp(toEpoch(at));
    this.updateTask(taskId, stamp, { status: 'claimed', worker_id: workerId, claimed_at: stamp });
    this.updateWorker(workerId, { current_task: taskId }, 'running');
  }

  /** The task's execution duration as measured by its worker. */
  recordTaskDuration(taskId: string, durationMs: number): void {
    this.updateTask(taskId, null, { duration_ms: durationMs });
  }

  /** The task's verification duration. */
  recordTaskVerificationDuration(taskId: string, durationMs: number): void {
    this.updateTask(taskId, null, { verification_duration_ms: durationMs });
  }

  /** The task exists (status `pending`) at `level`: `created_at`, `level`. */
  recordTaskCreated(taskId: string, level: number, at: Moment = this.now()): void {
    const stamp = formatTimestamp(toEpoch(at));
    const existing = this.current.tasks?.[taskId];
    this.updateTask(taskId, stamp, { status: existing?.status ?? 'pending', level, created_at: stamp });
  }

  /** The task started on a worker: `started_at`, status `in_progress`. */
  recordTaskStarted(taskId: string, workerId: number, at: Moment = this.now()): void {
    const stamp = formatTimestamp(toEpoch(at));
    this.updateTask(taskId, stamp, { status: 'in_progress', worker_id: workerId, started_at: stamp });
    this.updateWorker(workerId, { status: 'running', current_task: taskId }, 'running');
  }

  /**
   * The task completed: `completed_at`, status `complete`; its worker's `last_task_completed_at`
   * and `tasks_completed` follow.
   */
  recordTaskCompleted(taskId: string, at: Moment = this.now()): void {
    const stamp = formatTimestamp(toEpoch(at));
    this.updateTask(taskId, stamp, { status: 'complete', completed_at: stamp, error: null });
    const workerId = this.current.tasks?.[taskId]?.worker_id;
    const worker = workerId === null || workerId === undefined ? undefined : this.current.workers?.[String(workerId)];
    if (worker) {
      worker.last_task_completed_at = stamp;
      worker.tasks_completed = (worker.tasks_completed ?? 0) + 1;
      if (worker.current_task === taskId) worker.current_task = null;
    }
  }

  /** The task's attempt failed: `failed_at`, `error`, status `failed`. */
  recordTaskFailed(taskId: string, error: string | null = null, at: Moment = this.now()): void {
    const stamp = formatTimestamp(toEpoch(at));
    this.updateTask(taskId, stamp, { status: 'failed', failed_at: stamp, error });
    const workerId = this.current.tasks?.[taskId]?.worker_id;
    const worker = workerId === null || workerId === undefined ? undefined : this.current.workers?.[String(workerId)];
    if (worker?.current_task === taskId) worker.current_task = null;
  }

  /** The worker process started: `started_at`, status `initializing`. */
  recordWorkerStarted(workerId: number, at: Moment = this.now()): void {
    this.updateWorker(workerId, { status: 'initializing', started_at: formatTimestamp(toEpoch(at)) });
  }

  /** The worker is ready for tasks: `ready_at`, status `ready`. */
  recordWorkerReady(workerId: number, at: Moment = this.now()): void {
    this.updateWorker(workerId, { status: 'ready', ready_at: formatTimestamp(toEpoch(at)) });
  }

  /** The worker ended: `stopped_at`, status `stopped` (or `crashed`). */
  recordWorkerStopped(workerId: number, at: Moment = this.now(), status: 'stopped' | 'crashed' = 'stopped'): void {
    this.updateWorker(workerId, { status, stopped_at: formatTimestamp(toEpoch(at)), current_task: null });
  }

  /** The level started: its `started_at`, status `running`; it becomes the current level. */
  recordLevelStarted(level: number, at: Moment = this.now()): void {
    this.updateLevel(level, { status: 'running', started_at: formatTimestamp(toEpoch(at)) });
    this.current.current_level = level;
  }

  /** The level ended: its `completed_at`, status `complete` (or `failed`). */
  recordLevelComplete(level: number, at: Moment = this.now(), status: 'complete' | 'failed' = 'complete'): void {
    this.updateLevel(level, { status, completed_at: formatTimestamp(toEpoch(at)) });
  }

  /** The run started (the state's `started_at`), unless already recorded. */
  recordRunStarted(at: Moment = this.now()): void {
    this.current.started_at ??= formatTimestamp(toEpoch(at));
  }

  // Updates merge into the existing object, so keys this code does not know survive.
  private updateTask(taskId: string, stamp: string | null, patch: Partial<TaskState>): void {
    const tasks = (this.current.tasks ??= {});
    const task: TaskState = tasks[taskId] ?? { status: 'pending' };
    Object.assign(task, patch);
    if (stamp !== null) task.updated_at = stamp;
    tasks[taskId] = task;
  }

  /** `statusIfNew`: the status of a worker first heard of through this update. */
  private updateWorker(workerId: number, patch: Partial<WorkerState>, statusIfNew: WorkerState['status'] = 'initializing'): void {
    const workers = (this.current.workers ??= {});
    const key = String(workerId);
    const worker: WorkerState = workers[key] ?? { worker_id: workerId, status: statusIfNew, tasks_completed: 0 };
    Object.assign(worker, patch);
    workers[key] = worker;
  }

  private updateLevel(level: number, patch: Partial<LevelState>): void {
    const levels = (this.current.levels ??= {});
    const key = String(level);
    const entry: LevelState = levels[key] ?? { status: 'pending' };
    Object.assign(entry, patch);
    levels[key] = entry;
  }
}
