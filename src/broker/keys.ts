/**
 * Where a feature's run lives in Redis (DESIGN §9). The feature name is part of each key as given:
 * Redis keys are binary-safe, and a `:` in a feature name cannot make two features share a key
 * because every key ends with a fixed suffix after the name.
 */
export interface RunKeys {
  /** Lifecycle events, one entry per event (the JSONL envelope as fields). */
  readonly events: string;
  /** Ready tasks of the current level; consumer group `workers` claims them. */
  readonly tasks: string;
  /** Entry id of a claimed task → the worker id holding it (who an interrupted attempt belonged to). */
  readonly claims: string;
  /** `task#attempt` → the entry id that owns that attempt (a task queued twice runs once). */
  readonly attempts: string;
  /** Worker ids handed out to workers of any host (INCR). */
  readonly workerIds: string;
  /** The id of the run in progress; workers join it. */
  readonly run: string;
  /** Set to the run's id (and its outcome) when the run has ended: workers leave. */
  readonly end: string;
}

export const TASKS_GROUP = 'workers';

export function runKeys(feature: string): RunKeys {
  const key = (suffix: string): string => `mahabharatha:${feature}:${suffix}`;
  return { events: key('events'), tasks: key('tasks'), claims: key('claims'), attempts: key('claims:attempts'), workerIds: key('worker-ids'), run: key('run'), end: key('end') };
}

/** The feature of an events stream key (for listing the features a broker holds). */
export function featureOfEventsKey(key: string): string | null {
  const m = /^mahabharatha:(.+):events$/s.exec(key);
  return m?.[1] ?? null;
}
