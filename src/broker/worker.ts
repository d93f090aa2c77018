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
  const keys = runKeys(options.feature);
  const conn = connectBroker(options.url, { onStatus: options.say });
  const redis = conn.redis;
  const publisher = new Publisher(conn, { onProblem: options.say });
  const producer = `worker-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  let seq = 0;
  let leaving = false;
  const slots: Slot[] = [];

  const record = <K extends EventType>(type: K, data: EventOf<K>['data'], at = Date.now()): void => {
    seq += 1;
    const event = { type, ts: Math.floor(at), feature: options.feature, producer, seq, data } as unknown as LifecycleEvent;
    publisher.add(keys.events, eventFields(event));
  };

  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs(options.claimTimeoutMs);
  const heartbeat = setInterval(() => {
    for (const slot of slots) {
      if (slot.stopped) continue;
      record('worker_heartbeat', slot.busy ? { workerId: slot.workerId, taskId: slot.busy.taskId } : { workerId: slot.workerId });
      // A claim held by a live worker must not look idle: re-claiming it resets its idle time.
      if (slot.busy) void redis.xclaim(keys.tasks, TASKS_GROUP, slot.consumer, 0, slot.busy.entryId, 'JUSTID').catch(() => undefined);
    }
  }, heartbeatMs);

  const stop = (): void => {
    if (leaving) return;
    leaving = true;
    for (const slot of slots) {
      slot.busy?.command?.kill('SIGKILL');
      // A blocked read (or one held until Redis is back) is abandoned, not waited for: an entry it
      // may have been handed stays pending, for another worker to take over.
      slot.conn.disconnect();
    }
  };

  const done = (async (): Promise<{ error: string | null }> => {
    await reachable(conn, options.url);
    const runId = await waitForRun(redis, keys, () => leaving);
    if (runId === null) return { error: null };
    await ensureGroup(redis, keys);
    options.say(`worker joined run ${runId} of ${options.feature} with ${options.slots} slot${options.slots === 1 ? '' : 's'} (tasks run in ${options.cwd})`);
    /** Whether to leave: asked to, or the run is over (then running tasks are cut short, recorded as interrupted). */
    const ended = async (): Promise<boolean> => {
      if (leaving) return true;
      const marks = await readRunMarks(redis, keys);
      if (!runIsOver(runId, marks)) return false;
      if (marks.end !== runId && !leaving) options.say(`run ${runId} of ${options.feature} is over: ${marks.run === null ? 'it is no longer in the broker' : `run ${marks.run} took its place`}; leaving`);
      stop();
      return true;
    };
    // The end is watched apart from the slots, which look only between tasks and reads. One look
    // at a time: while Redis is away, looks would pile up in the offline queue.
    let looking = false;
    const endWatch = setInterval(() => {
      if (looking) return;
      looking = true;
      void ended()
        .catch(() => undefined)
        .finally(() => (looking = false));
    }, Math.min(500, heartbeatMs));
    let failure: string | null = null;
    try {
      await Promise.all(
        Array.from({ length: options.slots }, async () => {
          let slot: Slot | null = null;
          try {
            const workerId = await redis.incr(keys.workerIds);
            slot = { workerId, consumer: `worker-${workerId}`, conn: connectBroker(options.url), busy: null, stopped: false };
            slots.push(slot);
            record('worker_started', { workerId });
            record('worker_ready', { workerId });
            while (!(await ended())) {
              const claim = (await reclaim(slot)) ?? (await claimNext(slot));
              if (claim !== null) await runClaim(slot, claim);
            }
          } catch (err) {
            // It ends the whole worker: the other slots leave too, none is left running alone.
            failure ??= (err as Error).message;
            stop();
          } finally {
            if (slot !== null) {
              slot.stopped = true;
              record('worker_stopped', { workerId: slot.workerId });
              await slot.conn.close();
            }
          }
        }),
      );
    } finally {
      clearInterval(endWatch);
    }
    return { error: failure };
  })()
    .catch((err: unknown) => ({ error: (err as Error).message }))
    .finally(async () => {
      clearInterval(heartbeat);
      await publisher.drained();
      await conn.close();
    });

  /** A task whose holder has been silent for the claim timeout, taken over. */
  async function reclaim(slot: Slot): Promise<Claim | null> {
    const reply = (await redis.xautoclaim(keys.tasks, TASKS_GROUP, slot.consumer, options.claimTimeoutMs, '0-0', 'COUNT', 1)) as [string, ([string, string[]] | null)[]];
    const entry = reply[1]?.[0];
    if (entry === undefined || entry === null) return null;
    return { entryId: entry[0], fields: entry[1], reclaimed: true };
  }

  async function claimNext(slot: Slot): Promise<Claim | null> {
    let reply: [string, [string, string[]][]][] | null;
    try {
      reply = (await slot.conn.redis.xreadgroup('GROUP', TASKS_GROUP, slot.consumer, 'COUNT', 1, 'BLOCK', Math.min(1000, heartbeatMs), 'STREAMS', keys.tasks, '>')) as typeof reply;
    } catch (err) {
      // A read cut short by leaving (its connection dropped) is the leaving itself.
      if (leaving) return null;
      throw err;
    }
    const entry = reply?.[0]?.[1]?.[0];
    return entry === undefined ? null : { entryId: entry[0], fields: entry[1], reclaimed: false };
  }

  async function runClaim(slot: Slot, claim: Claim): Promise<void> {
    const { workerId } = slot;
    const task = decodeTask(claim.fields);
    if (E.isLeft(task)) {
      options.say(`skipped a malformed task entry ${claim.entryId}: ${task.left}`);
      await redis.xack(keys.tasks, TASKS_GROUP, claim.entryId);
      return;
    }
    const { taskId, attempt } = task.right;
    // The same attempt queued twice (a write re-sent after a connection loss) runs once: the first
    // entry to claim it marks it with its id. Finding its own id there is no second copy: this
    // HSETNX was itself sent again after a connection loss, the first one having been applied.
    const attempts = `${keys.claims}:attempts`;
    const mark = `${taskId}#${attempt}`;
    const ours = (await redis.hsetnx(attempts, mark, claim.entryId)) === 1 || (await redis.hget(attempts, mark)) === claim.entryId;
    if (!ours && !claim.reclaimed) {
      await redis.xack(keys.tasks, TASKS_GROUP, claim.entryId);
      return;
    }
    if (claim.reclaimed) {
      const holder = await redis.hget(keys.claims, claim.entryId);
      const previous = holder !== null && /^\d+$/.test(holder) ? Number(holder) : null;
      if (previous !== null) {
        const why = `worker ${previous} silent for ${Math.round(options.claimTimeoutMs / 1000)}s; ${taskId} taken over by worker ${workerId}`;
        record('task_interrupted', { taskId, workerId: previous, reason: why });
        record('worker_crashed', { workerId: previous, error: why });
        options.say(why);
      }
    }
    await redis.hset(keys.claims, claim.entryId, String(workerId));
    slot.busy = { entryId: claim.entryId, taskId, command: null };
    record('task_claimed', { taskId, workerId });
    await runTask(slot, task.right);
    slot.busy = null;
  }

  async function runTask(slot: Slot, task: QueuedTask): Promise<void> {
    const { workerId } = slot;
    const { taskId } = task;
    const busy = slot.busy;
    if (busy === null) return;
    const startedAt = preciseNow();
    const command = runCommand(task.command, {
      cwd: options.cwd,
      timeoutMs: task.timeoutMs,
      env: { MAHABHARATHA_TASK_ID: taskId, MAHABHARATHA_WORKER_ID: String(workerId), MAHABHARATHA_ATTEMPT: String(task.attempt) },
    });
    busy.command = command;
    record('task_started', { taskId, workerId }, startedAt);
    if (leaving) command.kill('SIGKILL');
    const result = await command.result;
    const at = preciseNow();
    if (leaving) {
      // Cut short by a stop: not a failure. Left pending, for another worker to take over.
      record('task_interrupted', { taskId, workerId, reason: 'stopped' }, at);
      await redis.hset(keys.claims, busy.entryId, RELEASED);
      return;
    }
    if (result.ok) {
      record('verification_passed', { taskId, workerId, durationMs: Math.round(result.durationMs) }, at);
      record('task_complete', { taskId, workerId, durationMs: Math.round(at - startedAt) }, at);
    } else {
      record('verification_failed', { taskId, workerId, durationMs: Math.round(result.durationMs) }, at);
      record('task_failed', { taskId, workerId, error: result.error ?? 'failed' }, at);
    }
    // Acknowledged once its outcome is on the stream: a worker dying in between leaves it to be taken over.
    await publisher.drained();
    await redis.xack(keys.tasks, TASKS_GROUP, busy.entryId);
    await redis.hdel(keys.claims, busy.entryId);
  }

  return { done, stop };
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

/** The consumer group, created if the orchestrator has not yet (both may try: one wins). */
async function ensureGroup(redis: BrokerConnection['redis'], keys: RunKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.tasks, TASKS_GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}
