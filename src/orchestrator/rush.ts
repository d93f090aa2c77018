/**
 * A run of a task graph (`rush`): the state dir and its lock, the metrics processor, the events
 * log, the worker processes and the scheduler, wired together; and an orderly end (workers
 * stopped, final events recorded, state flushed) whether the run completes, fails or is stopped.
 *
 * `resume` continues the run already recorded in the state dir: the processor restores it first,
 * then tasks already complete are skipped and the rest re-run from the lowest incomplete level.
 * `rush_started` is not recorded again, and the workers take the slots 1..N again (DESIGN §5): a
 * slot's uptime sums its lifetimes, and `workers_used` stays N.
 */
import type { RunSnapshot } from '../metrics/snapshot';
import { OrchestratorEvents } from '../sources/inProcess';
import { createMetricsProcessor, type MetricsProcessor } from '../pipeline/processor';
import { attemptLogPath, eventsPath, statePath } from '../state/layout';
import { describeDiskFault, isDiskFault } from '../state/diskFault';
import { retryDelayMs } from './backoff';
import type { LifecycleEvent } from '../events/codecs';
import { EventLogAppender, newProducerId, RecordEvent } from './eventLog';
import { formatElapsed, formatProgress, formatSeconds, graphSize, onWorkers } from './progress';
import { killGroup } from './runCommand';
import { planLevels } from './planLevels';
import { claimStateDir } from './runDir';
import { RunOutcome, Scheduler } from './scheduler';
import type { PlannedTask, ValidGraph } from '../graph/validateGraph';
import type { WorkQueue } from './workQueue';
import { startWorker, WorkerProcess } from './workerProcess';

export interface RushOptions {
  readonly graph: ValidGraph;
  /** Where task commands run: where `rush` was started, or `--cwd` (never the graph file's folder). */
  readonly cwd: string;
  readonly workers: number;
  readonly retries: number;
  readonly stateDir: string;
  readonly resume?: boolean;
  /** Receives each progress line (without newline). */
  readonly progress?: (line: string) => void;
  /** Delay before retry n (1-based), in ms. */
  readonly backoff?: (retry: number) => number;
  /**
   * Work and events through a broker (DESIGN §9): tasks are queued for workers of any host, whose
   * events come back from it; no worker process is forked here (the queue starts its own).
   * Made with the run's producer id (`producer`).
   */
  readonly workQueue?: (producer: string) => Promise<WorkQueue>;
}

/** `fault`: a write failed for want of disk (DESIGN §8); the run stopped, its last good state kept. */
export type RushStatus = 'complete' | 'failed' | 'stopped' | 'nothing_to_do' | 'fault';

export interface RushResult {
  readonly status: RushStatus;
  readonly error: string | null;
  /** The signal that stopped the run, when one did. */
  readonly signal: NodeJS.Signals | null;
  readonly snapshot: RunSnapshot;
}

export interface Rush {
  readonly feature: string;
  readonly stateDir: string;
  readonly processor: MetricsProcessor;
  readonly done: Promise<RushResult>;
  /** Stops the run (on a signal). A second call kills the workers at once. */
  stop(signal: NodeJS.Signals): void;
}

/** How long a worker gets to exit after being asked, before its process group is killed. */
const STOP_GRACE_MS = 3000;

/** Checks and prepares everything, then starts the run; `done` settles when it has ended. */
export async function startRush(options: RushOptions): Promise<Rush> {
  const { graph, stateDir } = options;
  const feature = graph.feature;
  const release = claimStateDir(stateDir, feature, options.resume === true);

  // The broker first: one that cannot be reached leaves nothing behind (no state file to resume).
  const producer = newProducerId();
  let queue: WorkQueue | null = null;
  try {
    queue = options.workQueue ? await options.workQueue(producer) : null;
  } catch (err) {
    release();
    throw err;
  }

  const emitter = new OrchestratorEvents();
  // A full disk under the state write stops the run (once it runs; before, it is remembered for it).
  const faults: DiskFaults = { early: null, handler: null };
  let processor: MetricsProcessor;
  try {
    processor = await openProcessor(stateDir, feature, emitter, faults);
  } catch (err) {
    await queue?.close().catch(() => undefined);
    release();
    throw err;
  }
  const previous = processor.snapshot();
  const resumed = options.resume === true && previous.startedAt !== null;

  const complete = new Set(previous.tasks.filter((t) => t.status === 'complete').map((t) => t.taskId));
  if (resumed && graph.tasks.every((t) => complete.has(t.id)) && previous.status === 'complete') {
    await processor.close();
    await queue?.close();
    release();
    const done = Promise.resolve<RushResult>({ status: 'nothing_to_do', error: null, signal: null, snapshot: processor.snapshot() });
    return { feature, stateDir, processor, done, stop: () => undefined };
  }

  let run: RunInProgress;
  try {
    run = new RunInProgress(options, processor, emitter, previous, resumed, complete, release, faults, producer, queue);
  } catch (err) {
    // Nothing could start (the log could not be opened, ...): leave the state dir as it was.
    await queue?.close().catch(() => undefined);
    await processor.close().catch(() => undefined);
    release();
    throw err;
  }
  return { feature, stateDir, processor, done: run.done, stop: (signal) => run.stop(signal) };
}

/**
 * The run's metrics processor, ready: it restores the checkpoint, replays the log after it, then
 * folds what the emitter emits; the only writer of `{feature}.json`. A state write that fails for
 * want of disk goes to `faults` (said, never retried).
 */
async function openProcessor(stateDir: string, feature: string, emitter: OrchestratorEvents, faults: DiskFaults): Promise<MetricsProcessor> {
  const onWriteError = (err: unknown): boolean => {
    if (!isDiskFault(err)) return false;
    if (faults.handler) faults.handler(err, statePath(stateDir, feature));
    else faults.early ??= describeDiskFault(err, statePath(stateDir, feature));
    return true;
  };
  const processor = createMetricsProcessor({ feature, stateDir, sources: { inProcess: emitter, eventsLog: { follow: false } }, persist: true, onWriteError });
  await processor.ready;
  return processor;
}

class RunInProgress {
  readonly done: Promise<RushResult>;
  private readonly log: EventLogAppender;
  private readonly scheduler: Scheduler;
  private readonly workers = new Map<number, WorkerProcess>();
  /** Per worker, the process group of the command it is running (killed on stop, in case). */
  private readonly commandGroups = new Map<number, number>();
  private readonly runStartedAt: number;
  private stopSignal: NodeJS.Signals | null = null;
  private stopping = false;
  /** Why the run stops for want of disk (a write failed with ENOSPC, EIO...); null while writes succeed. */
  private faultMessage: string | null = null;
  /**
   * Per worker, the latest stamp recorded about it. A worker stamps its own moments (it knows best
   * when a command started), but its clock and ours may differ by a hair: its stamps are kept from
   * going back before what was already recorded of it.
   */
  private readonly lastStamp = new Map<number, number>();
  private readonly record: RecordEvent = (type, data, at) => {
    const event = this.log.record(type, data, at);
    this.queue?.publish(event as LifecycleEvent);
    const workerId = (data as { workerId?: unknown }).workerId;
    if (typeof workerId === 'number') this.lastStamp.set(workerId, Math.max(event.ts, this.lastStamp.get(workerId) ?? event.ts));
    return event;
  };

  constructor(
    private readonly options: RushOptions,
    private readonly processor: MetricsProcessor,
    emitter: OrchestratorEvents,
    previous: RunSnapshot,
    resumed: boolean,
    complete: ReadonlySet<string>,
    private readonly release: () => void,
    faults: DiskFaults,
    producer: string,
    private readonly queue: WorkQueue | null,
  ) {
    const { graph, stateDir } = options;
    const logFile = eventsPath(stateDir, graph.feature);
    this.faultMessage = faults.early;
    faults.handler = (err, file) => this.fault(err, file);
    this.log = new EventLogAppender(logFile, { feature: graph.feature, emitter, producer, onWriteError: (err) => this.fault(err, logFile) });
    const { record } = this;

    if (resumed) this.closePreviousWorkers(previous);
    const started = resumed ? null : record('rush_started', { workers: options.workers, totalTasks: graph.tasks.length, cwd: options.cwd });
    this.runStartedAt = started?.ts ?? previous.startedAt ?? Date.now();
    const known = new Set(previous.tasks.map((t) => t.taskId));
    for (const task of graph.tasks) if (!known.has(task.id)) record('task_created', { taskId: task.id, level: task.level });

    const levels = planLevels(graph, previous, complete);
    const priorAttempts = new Map(previous.tasks.map((t) => [t.taskId, t.attempts ?? 0]));
    this.say(
      resumed
        ? `resuming ${graph.feature}: ${complete.size} of ${graph.tasks.length} tasks complete, from level ${levels[0]?.level ?? '-'} ${onWorkers(options.workers)}`
        : `rush ${graph.feature}: ${graphSize(graph.tasks.length, graph.levels.length)} ${onWorkers(options.workers)} (state: ${stateDir})`,
    );
    this.say(`tasks run in ${options.cwd}`);

    this.scheduler = new Scheduler(levels, complete, {
      record,
      now: Date.now,
      retries: options.retries,
      backoff: options.backoff ?? retryDelayMs,
      setTimer: (fn, ms) => {
        const handle = setTimeout(fn, ms);
        return () => clearTimeout(handle);
      },
      assign: (workerId, task, attempt) => {
        // Attempts are numbered by claims over the whole run, a resumed one included.
        const logFile = attemptLogPath(stateDir, task.id, (priorAttempts.get(task.id) ?? 0) + attempt);
        this.workers.get(workerId)?.send({ type: 'run', taskId: task.id, command: task.command, cwd: options.cwd, timeoutMs: task.timeoutMs, attempt, logFile });
      },
      progress: (p) => this.options.progress?.(formatProgress(p, this.runStartedAt)),
      ...(queue ? { queue: (task: PlannedTask, attempt: number) => queue.queue(task, attempt) } : {}),
    });
    queue?.start((event, streamId) => this.fromQueue(event, streamId));

    this.done = this.scheduler.done.then((outcome) => this.finish(outcome));
    if (this.faultMessage !== null) {
      // The disk is full already: start nothing.
      this.scheduler.stop();
      return;
    }
    if (queue === null) for (let id = 1; id <= options.workers; id += 1) this.spawn(id);
    this.scheduler.start();
  }

  /**
   * A write failed for want of disk: stop now (retrying would only fail again). Workers are
   * stopped, the log takes nothing more, the state keeps its last good write, the lock is released.
   */
  private fault(err: unknown, file: string): void {
    if (!isDiskFault(err)) throw err;
    if (this.faultMessage !== null) return;
    this.faultMessage = describeDiskFault(err, file);
    // Not constructed yet when the very first append fails: the constructor stops it.
    this.scheduler?.stop();
  }

  stop(signal: NodeJS.Signals): void {
    if (this.stopSignal !== null) {
      // Asked twice: do not wait for anyone.
      for (const w of this.workers.values()) w.kill('SIGKILL');
      return;
    }
    this.stopSignal = signal;
    this.scheduler.stop();
  }

  /** A worker's event from the work queue: into the local log (and the metrics), and its outcome to the scheduler. */
  private fromQueue(event: LifecycleEvent, streamId: string): void {
    this.log.append(event, streamId);
    if (event.type === 'task_complete') {
      this.scheduler.queuedTaskFinished(event.data.taskId, event.data.workerId, event.ts, { ok: true, durationMs: event.data.durationMs ?? 0 });
    } else if (event.type === 'task_failed') {
      this.scheduler.queuedTaskFinished(event.data.taskId, event.data.workerId, event.ts, { ok: false, error: event.data.error ?? 'failed' });
    }
  }

  /** A progress line of the run itself, stamped with the time since the run started. */
  private say(text: string): void {
    this.options.progress?.(`${formatElapsed(Date.now() - this.runStartedAt)} ${text}`);
  }

  /**
   * Workers of the earlier run that never recorded their end died with their orchestrator; their
   * last event is the best bound on when, so their uptime stops there instead of growing forever.
   */
  private closePreviousWorkers(previous: RunSnapshot): void {
    for (const w of previous.metrics.workerMetrics) {
      if (w.stoppedAt !== null && w.stoppedAt !== undefined) continue;
      const at = w.lastEventAt ?? previous.lastEventAt ?? Date.now();
      this.record('worker_crashed', { workerId: w.workerId, error: 'its orchestrator ended without stopping it' }, at);
    }
  }

  private spawn(id: number): void {
    const { record } = this;
    record('worker_started', { workerId: id });
    const stamp = (at: number): number => Math.max(at, this.lastStamp.get(id) ?? at);
    const worker = startWorker(id, {
      message: (m) => {
        switch (m.type) {
          case 'ready':
            record('worker_ready', { workerId: id }, stamp(m.at));
            this.scheduler.workerReady(id);
            return;
          case 'started':
            if (m.pid !== null) this.commandGroups.set(id, m.pid);
            this.scheduler.taskStarted(id, m.taskId, stamp(m.at));
            return;
          case 'finished':
            this.commandGroups.delete(id);
            this.scheduler.taskFinished(id, { ...m, at: stamp(m.at) });
            return;
          case 'heartbeat':
            if (!this.stopping) record('worker_heartbeat', m.taskId === null ? { workerId: id } : { workerId: id, taskId: m.taskId }, stamp(m.at));
            return;
        }
      },
      exit: (code, signal) => {
        const group = this.commandGroups.get(id);
        // Whatever its command left behind goes with it.
        if (group !== undefined) killGroup(group, 'SIGKILL');
        if (this.stopping) {
          record('worker_stopped', { workerId: id });
          return;
        }
        const error = signal !== null ? `worker exited on ${signal}` : `worker exited with code ${code ?? '?'}`;
        record('worker_crashed', { workerId: id, error });
        this.say(`worker ${id} crashed: ${error}`);
        this.scheduler.workerGone(id, error);
      },
    });
    this.workers.set(id, worker);
  }

  private async stopWorkers(): Promise<void> {
    this.stopping = true;
    const alive = [...this.workers.values()].filter((w) => w.alive);
    for (const w of alive) {
      // Idle workers leave when asked; on a signal or a full disk, their running commands are killed first.
      if (this.stopSignal !== null || this.faultMessage !== null) w.kill('SIGTERM');
      else w.send({ type: 'stop' });
    }
    await Promise.all(
      alive.map(async (w) => {
        const timer = setTimeout(() => w.kill('SIGKILL'), STOP_GRACE_MS);
        await w.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** A state write at the end: a full disk there stops the run as a fault, the last good state kept. */
  private async saving(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!isDiskFault(err)) throw err;
      this.fault(err, statePath(this.options.stateDir, this.options.graph.feature));
    }
  }

  private async finish(outcome: RunOutcome): Promise<RushResult> {
    const { record } = this;
    // Attempts cut short by the stop are interrupted, not failed (DESIGN §4.3): they run again on --resume.
    // A stop for want of disk is an error of the run, not a signal (the log may take it no more).
    const stopReason = this.faultMessage !== null ? 'error' : 'signal';
    if (outcome.status === 'stopped') {
      for (const a of this.scheduler.runningAttempts()) record('task_interrupted', { taskId: a.taskId, workerId: a.workerId, reason: stopReason });
    }
    await this.stopWorkers();
    await this.queue?.end();
    if (outcome.status === 'complete') record('rush_completed', {});
    else record('rush_stopped', { reason: outcome.status === 'failed' ? outcome.reason : stopReason });
    let snapshot: RunSnapshot;
    try {
      await this.saving(() => this.processor.flush());
      snapshot = this.processor.snapshot();
      await this.saving(() => this.processor.close());
    } finally {
      await this.queue?.close();
      this.log.close();
      this.release();
    }
    if (this.faultMessage !== null) return { status: 'fault', error: this.faultMessage, signal: null, snapshot };
    const error = outcome.status === 'failed' ? outcome.error : null;
    const total = this.options.graph.tasks.length;
    const done = snapshot.tasks.filter((t) => t.status === 'complete').length;
    const elapsed = formatSeconds(Date.now() - this.runStartedAt);
    if (outcome.status === 'complete') this.say(`rush complete: ${graphSize(total, this.options.graph.levels.length)}, ${elapsed}`);
    else if (outcome.status === 'failed') this.say(`rush failed: ${error}`);
    else this.say(`rush stopped${this.stopSignal ? ` by ${this.stopSignal}` : ''}: ${done} of ${total} tasks complete`);
    return { status: outcome.status, error, signal: this.stopSignal, snapshot };
  }
}

/** A disk fault met while the processor starts (remembered), then the running run's handler. */
interface DiskFaults {
  early: string | null;
  handler: ((err: unknown, file: string) => void) | null;
}
