/**
 * `mahabharatha worker --broker …` (DESIGN §9): joins a feature's run from any host. Each slot is a
 * worker with an id of its own (handed out by the broker): it claims a task from the queue
 * (`XREADGROUP`, group `workers`), runs its command, records every moment on the events stream
 * under this process's producer id, and acknowledges the task (`XACK`). A task whose holder has
 * gone silent for the claim timeout is taken over (`XAUTOCLAIM`): the silent holder's attempt is
 * recorded as interrupted and the task runs again. Busy slots keep their claims fresh with each
 * heartbeat. The worker leaves when the run it joined is over — ended, or replaced by a new run
 * (`runMarks`) — or on SIGINT/SIGTERM: its attempts are recorded as interrupted and left for
 * another worker to take over. A Redis restart is a pause: the connections reconnect, a read in
 * flight is sent again, and leaving never waits for one.
 */
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as E from 'fp-ts/Either';
import type { EventOf, EventType, LifecycleEvent } from '../events/codecs';
import { preciseNow } from '../orchestrator/protocol';
import { runCommand, type RunningCommand } from '../orchestrator/runCommand';
import { connectBroker, reachable, type BrokerConnection } from './connect';
import { eventFields } from './eventEntry';
import { runKeys, TASKS_GROUP, type RunKeys } from './keys';
import { Publisher } from './publisher';
import { readRunMarks, runIsOver, runToJoin } from './runMarks';
import { decodeTask, type QueuedTask } from './taskEntry';
import type { BrokerUrl } from './url';

export interface WorkerOptions {
  readonly url: BrokerUrl;
  readonly feature: string;
  readonly slots: number;
  /** Where task commands run. */
  readonly cwd: string;
  /** A claimed task whose holder is silent this long is taken over (ms). */
  readonly claimTimeoutMs: number;
  /** Default: 5 s, or a third of the claim timeout when that is shorter. */
  readonly heartbeatMs?: number;
  /** One line per moment worth telling (without newline). */
  readonly say: (line: string) => void;
}

export interface BrokerWorker {
  /** Resolves when every slot has left: with why the worker could not go on, or null. */
  readonly done: Promise<{ readonly error: string | null }>;
  /** Leave now: running attempts are cut short and recorded as interrupted. */
  stop(): void;
}

/** What a stopped worker leaves in the claims hash: its attempt is already recorded as interrupted. */
const RELEASED = 'released';

interface Claim {
  readonly entryId: string;
  readonly fields: readonly string[];
  /** Taken over from a silent holder (XAUTOCLAIM). */
  readonly reclaimed: boolean;
}

interface Slot {
  workerId: number;
  consumer: string;
  conn: BrokerConnection;
  busy: { entryId: string; taskId: string; command: RunningCommand | null } | null;
  /** It has recorded `worker_stopped`: nothing more is recorded of it. */
  stopped: boolean;
}

export const defaultHeartbeatMs = (claimTimeoutMs: number): number => Math.max(100, Math.min(5000, Math.floor(claimTimeoutMs / 3)));

export function startBrokerWorker(options: WorkerOptions): BrokerWorker {
  const worker = new JoinedWorker(options);
  return { done: worker.done, stop: () => worker.stop() };
}

/** One worker process's part in a run: its slots, what it records, and when it leaves. */
class JoinedWorker {
  readonly done: Promise<{ error: string | null }>;
  private readonly keys: RunKeys;
  private readonly conn: BrokerConnection;
  private readonly redis: BrokerConnection['redis'];
  private readonly publisher: Publisher;
  private readonly producer = `worker-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly heartbeatMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly slots: Slot[] = [];
  private seq = 0;
  private leaving = false;

  constructor(private readonly options: WorkerOptions) {
    this.keys = runKeys(options.feature);
    this.conn = connectBroker(options.url, { onStatus: options.say });
    this.redis = this.conn.redis;
    this.publisher = new Publisher(this.conn, { onProblem: options.say });
    this.heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs(options.claimTimeoutMs);
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.done = this.work()
      .catch((err: unknown) => ({ error: (err as Error).message }))
      .finally(async () => {
        clearInterval(this.heartbeat);
        await this.publisher.drained();
        await this.conn.close();
      });
  }

  stop(): void {
    if (this.leaving) return;
    this.leaving = true;
    for (const slot of this.slots) {
      slot.busy?.command?.kill('SIGKILL');
      // A blocked read (or one held until Redis is back) is abandoned, not waited for: an entry it
      // may have been handed stays pending, for another worker to take over.
      slot.conn.disconnect();
    }
  }

  private record<K extends EventType>(type: K, data: EventOf<K>['data'], at = Date.now()): void {
    this.seq += 1;
    const event = { type, ts: Math.floor(at), feature: this.options.feature, producer: this.producer, seq: this.seq, data } as unknown as LifecycleEvent;
    this.publisher.add(this.keys.events, eventFields(event));
  }

  private beat(): void {
    for (const slot of this.slots) {
      if (slot.stopped) continue;
      this.record('worker_heartbeat', slot.busy ? { workerId: slot.workerId, taskId: slot.busy.taskId } : { workerId: slot.workerId });
      // A claim held by a live worker must not look idle: re-claiming it resets its idle time.
      if (slot.busy) void this.redis.xclaim(this.keys.tasks, TASKS_GROUP, slot.consumer, 0, slot.busy.entryId, 'JUSTID').catch(() => undefined);
    }
  }

  private async work(): Promise<{ error: string | null }> {
    const { options } = this;
    await reachable(this.conn, options.url);
    const runId = await waitForRun(this.redis, this.keys, () => this.leaving);
    if (runId === null) return { error: null };
    await ensureGroup(this.redis, this.keys);
    options.say(`worker joined run ${runId} of ${options.feature} with ${options.slots} slot${options.slots === 1 ? '' : 's'} (tasks run in ${options.cwd})`);
    // The end is watched apart from the slots, which look only between tasks and reads. One look
    // at a time: while Redis is away, looks would pile up in the offline queue.
    let looking = false;
    const endWatch = setInterval(() => {
      if (looking) return;
      looking = true;
      void this.ended(runId)
        .catch(() => undefined)
        .finally(() => (looking = false));
    }, Math.min(500, this.heartbeatMs));
    const failures: string[] = [];
    try {
      const slotFailed = (err: unknown): void => {
        // It ends the whole worker: the other slots leave too, none is left running alone.
        failures.push((err as Error).message);
        this.stop();
      };
      await Promise.all(Array.from({ length: options.slots }, () => this.runSlot(runId).catch(slotFailed)));
    } finally {
      clearInterval(endWatch);
    }
    return { error: failures[0] ?? null };
  }

  /** Whether to leave: asked to, or the run is over (then running tasks are cut short, recorded as interrupted). */
  private async ended(runId: string): Promise<boolean> {
    if (this.leaving) return true;
    const marks = await readRunMarks(this.redis, this.keys);
    if (!runIsOver(runId, marks)) return false;
    if (marks.end !== runId && !this.leaving) {
      this.options.say(`run ${runId} of ${this.options.feature} is over: ${marks.run === null ? 'it is no longer in the broker' : `run ${marks.run} took its place`}; leaving`);
    }
    this.stop();
    return true;
  }

  /** One slot: a worker id of its own, claiming and running tasks until the worker leaves. */
  private async runSlot(runId: string): Promise<void> {
    let slot: Slot | null = null;
    try {
      const workerId = await this.redis.incr(this.keys.workerIds);
      slot = { workerId, consumer: `worker-${workerId}`, conn: connectBroker(this.options.url), busy: null, stopped: false };
      this.slots.push(slot);
      this.record('worker_started', { workerId });
      this.record('worker_ready', { workerId });
      while (!(await this.ended(runId))) {
        const claim = (await this.reclaim(slot)) ?? (await this.claimNext(slot));
        if (claim !== null) await this.runClaim(slot, claim);
      }
    } finally {
      if (slot !== null) {
        slot.stopped = true;
        this.record('worker_stopped', { workerId: slot.workerId });
        await slot.conn.close();
      }
    }
  }

  /** A task whose holder has been silent for the claim timeout, taken over. */
  private async reclaim(slot: Slot): Promise<Claim | null> {
    const reply = (await this.redis.xautoclaim(this.keys.tasks, TASKS_GROUP, slot.consumer, this.options.claimTimeoutMs, '0-0', 'COUNT', 1)) as [string, ([string, string[]] | null)[]];
    const entry = reply[1]?.[0];
    if (entry === undefined || entry === null) return null;
    return { entryId: entry[0], fields: entry[1], reclaimed: true };
  }

  private async claimNext(slot: Slot): Promise<Claim | null> {
    let reply: [string, [string, string[]][]][] | null;
    try {
      reply = (await slot.conn.redis.xreadgroup('GROUP', TASKS_GROUP, slot.consumer, 'COUNT', 1, 'BLOCK', Math.min(1000, this.heartbeatMs), 'STREAMS', this.keys.tasks, '>')) as typeof reply;
    } catch (err) {
      // A read cut short by leaving (its connection dropped) is the leaving itself.
      if (this.leaving) return null;
      throw err;
    }
    const entry = reply?.[0]?.[1]?.[0];
    return entry === undefined ? null : { entryId: entry[0], fields: entry[1], reclaimed: false };
  }

  private async runClaim(slot: Slot, claim: Claim): Promise<void> {
    const { keys, redis } = this;
    const { workerId } = slot;
    const task = decodeTask(claim.fields);
    if (E.isLeft(task)) {
      this.options.say(`skipped a malformed task entry ${claim.entryId}: ${task.left}`);
      await redis.xack(keys.tasks, TASKS_GROUP, claim.entryId);
      return;
    }
    const { taskId, attempt } = task.right;
    // The same attempt queued twice (a write re-sent after a connection loss) runs once: the first
    // entry to claim it marks it with its id. Finding its own id there is no second copy: this
    // HSETNX was itself sent again after a connection loss, the first one having been applied.
    const mark = `${taskId}#${attempt}`;
    const ours = (await redis.hsetnx(keys.attempts, mark, claim.entryId)) === 1 || (await redis.hget(keys.attempts, mark)) === claim.entryId;
    if (!ours && !claim.reclaimed) {
      await redis.xack(keys.tasks, TASKS_GROUP, claim.entryId);
      return;
    }
    if (claim.reclaimed) await this.takeOver(claim.entryId, taskId, workerId);
    await redis.hset(keys.claims, claim.entryId, String(workerId));
    slot.busy = { entryId: claim.entryId, taskId, command: null };
    this.record('task_claimed', { taskId, workerId });
    await this.runTask(slot, task.right);
    slot.busy = null;
  }

  /** A task taken over from a silent holder: the holder's attempt is recorded as interrupted. */
  private async takeOver(entryId: string, taskId: string, workerId: number): Promise<void> {
    const holder = await this.redis.hget(this.keys.claims, entryId);
    const previous = holder !== null && /^\d+$/.test(holder) ? Number(holder) : null;
    if (previous === null) return;
    const why = `worker ${previous} silent for ${Math.round(this.options.claimTimeoutMs / 1000)}s; ${taskId} taken over by worker ${workerId}`;
    this.record('task_interrupted', { taskId, workerId: previous, reason: why });
    this.record('worker_crashed', { workerId: previous, error: why });
    this.options.say(why);
  }

  private async runTask(slot: Slot, task: QueuedTask): Promise<void> {
    const { keys, redis } = this;
    const { workerId } = slot;
    const { taskId } = task;
    const busy = slot.busy;
    if (busy === null) return;
    const startedAt = preciseNow();
    const command = runCommand(task.command, {
      cwd: this.options.cwd,
      timeoutMs: task.timeoutMs,
      env: { MAHABHARATHA_TASK_ID: taskId, MAHABHARATHA_WORKER_ID: String(workerId), MAHABHARATHA_ATTEMPT: String(task.attempt) },
    });
    busy.command = command;
    this.record('task_started', { taskId, workerId }, startedAt);
    if (this.leaving) command.kill('SIGKILL');
    const result = await command.result;
    const at = preciseNow();
    if (this.leaving) {
      // Cut short by a stop: not a failure. Left pending, for another worker to take over.
      this.record('task_interrupted', { taskId, workerId, reason: 'stopped' }, at);
      await redis.hset(keys.claims, busy.entryId, RELEASED);
      return;
    }
    if (result.ok) {
      this.record('verification_passed', { taskId, workerId, durationMs: Math.round(result.durationMs) }, at);
      this.record('task_complete', { taskId, workerId, durationMs: Math.round(at - startedAt) }, at);
    } else {
      this.record('verification_failed', { taskId, workerId, durationMs: Math.round(result.durationMs) }, at);
      this.record('task_failed', { taskId, workerId, error: result.error ?? 'failed' }, at);
    }
    // Acknowledged once its outcome is on the stream: a worker dying in between leaves it to be taken over.
    await this.publisher.drained();
    await redis.xack(keys.tasks, TASKS_GROUP, busy.entryId);
    await redis.hdel(keys.claims, busy.entryId);
  }
}

/** The id of the run to join, once an orchestrator has started one (null: asked to leave first). */
async function waitForRun(redis: BrokerConnection['redis'], keys: RunKeys, leaving: () => boolean): Promise<string | null> {
  for (;;) {
    if (leaving()) return null;
    const run = runToJoin(await readRunMarks(redis, keys));
    if (run !== null) return run;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The consumer group. `markRunStarted` makes it with the run; a worker makes it again only when
 * the task queue went away in between (an existing group is left as it is).
 */
async function ensureGroup(redis: BrokerConnection['redis'], keys: RunKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.tasks, TASKS_GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}
