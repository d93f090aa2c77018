/**
 * The orchestrator's side of the broker (DESIGN §9), as the `WorkQueue` that `rush` drives:
 * - its events go to `mahabharatha:{feature}:events` (after being appended to the local log);
 * - each claimable task goes to `mahabharatha:{feature}:tasks` (consumer group `workers`);
 * - the workers' events are read back from the stream and handed to the run, which appends them
 *   to its local log (the state file stays on this host and stays whole);
 * - at the end, the workers are told to leave (`…:end` = the run's id) and waited for, so that
 *   their last moments are in the record too.
 * A new run clears what a previous run of the feature left in the broker; a resumed one keeps the
 * events stream and reads it after the stream id stored in its checkpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import type { LifecycleEvent } from '../events/codecs';
import type { PlannedTask } from '../graph/validateGraph';
import type { WorkQueue } from '../orchestrator/workQueue';
import { connectBroker, reachable, type BrokerConnection } from './connect';
import { decodeEntry, eventFields } from './eventEntry';
import { runKeys, type RunKeys } from './keys';
import { Publisher } from './publisher';
import { readStream, type StreamReader } from './readStream';
import { markRunEnded, markRunStarted } from './runMarks';
import { taskFields } from './taskEntry';
import type { BrokerUrl } from './url';

export interface RunLinkOptions {
  readonly url: BrokerUrl;
  readonly feature: string;
  /** This orchestrator's producer id: its own events read back from the stream are skipped. */
  readonly producer: string;
  /** Continue the feature's run: keep its events, read them after `after`. */
  readonly resume: boolean;
  /** Stream id stored in the checkpoint (resume). */
  readonly after?: string | null;
  /** Worker processes started on this host (`--workers N`), running tasks in `cwd`. */
  readonly localWorkers: number;
  readonly cwd: string;
  readonly claimTimeoutMs: number;
  /** The longest the end waits for workers to leave (ms; default 60 s); a silent one is not waited for. */
  readonly leaveTimeoutMs?: number;
  readonly say: (line: string) => void;
}

/** Connects and prepares the feature's keys for a new (or resumed) run. */
export async function openRunLink(options: RunLinkOptions): Promise<WorkQueue> {
  const keys = runKeys(options.feature);
  const conn = connectBroker(options.url, { onStatus: options.say });
  try {
    await reachable(conn, options.url);
  } catch (err) {
    conn.redis.disconnect();
    throw err;
  }
  const runId = randomUUID();
  // A stale queue (a stopped run's tasks) is never run again: the scheduler queues afresh.
  await markRunStarted(conn.redis, keys, runId, options.resume);
  return new RunLink(options, keys, conn, runId);
}

class RunLink implements WorkQueue {
  private readonly publisher: Publisher;
  private reader: { conn: BrokerConnection; stream: StreamReader } | null = null;
  /** Workers in the run (started, not yet stopped or crashed), with when each was last heard of. */
  private readonly live = new Map<number, number>();
  private readonly children: ChildProcess[] = [];

  constructor(
    private readonly options: RunLinkOptions,
    private readonly keys: RunKeys,
    private readonly conn: BrokerConnection,
    private readonly runId: string,
  ) {
    this.publisher = new Publisher(conn, { onProblem: options.say });
  }

  start(foreign: (event: LifecycleEvent, streamId: string) => void): void {
    const conn = connectBroker(this.options.url);
    const stream = readStream(conn, this.keys.events, {
      after: this.options.after ?? '0',
      follow: true,
      onBatch: (entries) => {
        for (const [id, fields] of entries) {
          const decoded = decodeEntry(fields);
          if (E.isLeft(decoded)) {
            // A type this version does not know (a newer worker's): readers of the stream count it.
            if (decoded.left.reason === 'unknown_type') continue;
            this.options.say(`skipped a bad entry ${id} of the events stream (${decoded.left.reason}): ${decoded.left.detail}`);
            continue;
          }
          const event = decoded.right;
          if (event.producer === this.options.producer) continue;
          this.track(event);
          foreign(event, id);
        }
      },
    });
    stream.done.catch((err: unknown) => this.options.say(`stopped reading the events stream: ${(err as Error).message}`));
    this.reader = { conn, stream };
    for (let i = 0; i < this.options.localWorkers; i += 1) this.children.push(this.spawnWorker());
  }

  publish(event: LifecycleEvent): void {
    this.publisher.add(this.keys.events, eventFields(event));
  }

  queue(task: PlannedTask, attempt: number): void {
    this.publisher.add(this.keys.tasks, taskFields({ taskId: task.id, level: task.level, command: task.command, timeoutMs: task.timeoutMs, attempt }));
  }

  /**
   * Tells the workers the run is over and waits for their last events: for each worker still in
   * the run, until it has left — or has been silent for the claim timeout (it died: its heartbeats
   * stopped). A live worker heartbeats while it leaves, so a slow one is waited for.
   */
  async end(): Promise<void> {
    await this.publisher.drained();
    let markedIn = this.conn.epoch();
    await markRunEnded(this.conn.redis, this.keys, this.runId);
    const deadline = Date.now() + (this.options.leaveTimeoutMs ?? 60_000);
    const waitingFor = (): number[] => [...this.live].filter(([, heard]) => Date.now() - heard < this.options.claimTimeoutMs).map(([id]) => id);
    while (waitingFor().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // A Redis restart may have lost the mark (acknowledged, not yet on disk): the workers would never leave.
      if (this.conn.epoch() !== markedIn) {
        markedIn = this.conn.epoch();
        await markRunEnded(this.conn.redis, this.keys, this.runId);
      }
    }
    const silent = [...this.live.keys()];
    if (silent.length > 0) this.options.say(`worker${silent.length === 1 ? '' : 's'} ${silent.join(', ')} did not leave (silent, or still busy when the wait ended)`);
  }

  async close(): Promise<void> {
    await this.publisher.drained();
    this.reader?.stream.stop();
    await this.reader?.stream.done.catch(() => undefined);
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await this.conn.close();
  }

  /** Which workers are still in the run, and when each was last heard of (any event naming it). */
  private track(event: LifecycleEvent): void {
    if (event.type === 'worker_stopped' || event.type === 'worker_crashed') this.live.delete(event.data.workerId);
    else if (event.type === 'worker_started') this.live.set(event.data.workerId, Date.now());
    else if ('workerId' in event.data && this.live.has(event.data.workerId)) this.live.set(event.data.workerId, Date.now());
  }

  /** A `mahabharatha worker` process on this host, as any other host would start one. */
  private spawnWorker(): ChildProcess {
    const main = require.resolve('../cli/main');
    const args = ['worker', '--broker', this.options.url.text, '--feature', this.options.feature, '--cwd', this.options.cwd];
    args.push('--claim-timeout', String(Math.max(1, Math.round(this.options.claimTimeoutMs / 1000))));
    const execArgv = /\.[cm]?ts$/.test(main) ? ['--require', require.resolve('tsx/cjs')] : [];
    const child = spawn(process.execPath, [...execArgv, main, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', (err) => this.options.say(`cannot start a worker: ${err.message}`));
    return child;
  }
}

