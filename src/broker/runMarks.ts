/**
 * Which run of a feature is in progress, as the orchestrator and the workers agree on it through
 * two keys: `…:run` (the run started last) and `…:end` (the run ended last). A worker joins a run
 * started and not ended, and leaves when that run is over. Both keys are written and read in one
 * step each: a worker must never see a new run's start mixed with the previous run's marks (it
 * would join a run whose end never comes, and stay for good).
 */
import type { BrokerConnection } from './connect';
import { TASKS_GROUP, type RunKeys } from './keys';

export interface RunMarks {
  /** The run started last. */
  readonly run: string | null;
  /** The run ended last. */
  readonly end: string | null;
}

/** The run a worker may join: one started and not ended. */
export const runToJoin = (marks: RunMarks): string | null => (marks.run !== null && marks.end !== marks.run ? marks.run : null);

/**
 * The run a worker joined is over when it has ended, or when another run has taken its place (an
 * orchestrator started again): the replaced run's end never comes, and the queue is the new run's.
 */
export const runIsOver = (joined: string, marks: RunMarks): boolean => marks.end === joined || marks.run !== joined;

type Redis = BrokerConnection['redis'];

export async function readRunMarks(redis: Redis, keys: RunKeys): Promise<RunMarks> {
  const [run, end] = await redis.mget(keys.run, keys.end);
  return { run: run ?? null, end: end ?? null };
}

/**
 * Starts run `runId` in one transaction: what the previous run left is cleared (its task queue and
 * claims, its end, and its events unless `keepEvents`: a resumed run), the consumer group made
 * again, and the run marked as started.
 */
export async function markRunStarted(redis: Redis, keys: RunKeys, runId: string, keepEvents: boolean): Promise<void> {
  const stale = [keys.tasks, keys.claims, keys.attempts, keys.end];
  const replies = await redis
    .multi()
    .del(...(keepEvents ? stale : [keys.events, ...stale]))
    .xgroup('CREATE', keys.tasks, TASKS_GROUP, '0', 'MKSTREAM')
    .set(keys.run, runId)
    .exec();
  const failed = (replies ?? []).find(([err]) => err !== null)?.[0];
  if (replies === null || failed) throw new Error(`cannot start the run in the broker: ${failed?.message ?? 'the transaction was aborted'}`);
}

/** Marks run `runId` as ended: its workers leave. */
export async function markRunEnded(redis: Redis, keys: RunKeys, runId: string): Promise<void> {
  await redis.set(keys.end, runId);
}
