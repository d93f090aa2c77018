/**
 * The run's facts (DESIGN §4.5), computed once from a snapshot and read by every view: the run's
 * status, whether its size is known and what it is, progress, the ETA, each level's phase and
 * duration. Text, `--json` and the dashboard print these and derive none of them, so that they
 * cannot disagree. Pure: the clock, the task graph's level sizes and whether the orchestrator
 * is gone are inputs.
 */
import type { RunSnapshot, RunStatus } from './snapshot';
import { activeSpan } from './snapshotOf';
import type { LevelMetrics, TaskMetrics, WorkerMetrics } from './types';

/** The snapshot's status, plus `abandoned`: no end event, and the orchestrator that ran it is gone. */
export type RunPhase = RunStatus | 'abandoned';
export type LevelPhase = 'done' | 'running' | 'pending' | 'failed' | 'stopped';

export interface LevelFacts {
  readonly level: number;
  readonly phase: LevelPhase;
  /** Level duration; for a level still going, the time since it started. Null when unknown. */
  readonly durationMs: number | null;
  /** Whether `durationMs` was measured (level events) rather than read off a clock or its tasks. */
  readonly measured: boolean;
  readonly taskCount: number;
  /** False when `taskCount` counts only the tasks seen so far (no graph, no declared size). */
  readonly sizeKnown: boolean;
  readonly completed: number;
  readonly failed: number;
  /** Over the execution durations of its completed tasks; null when none completed. */
  readonly avgMs: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface RunFacts {
  readonly status: RunPhase;
  /** Whether the run's size is known: a declared total, a task graph, or a complete run. */
  readonly sizeKnown: boolean;
  /** The run's size; null while unknown (then no fraction and no ETA anywhere). */
  readonly total: number | null;
  readonly completed: number;
  readonly failed: number;
  /** 0..1; null when the size is unknown. */
  readonly fraction: number | null;
  /** An estimate of the time left (level-aware) while running, when the size is known; 0 once complete. */
  readonly etaMs: number | null;
  /** The first level not done yet (the run's own current level once all are). */
  readonly currentLevel: number | null;
  /** Where the run's clock stops: its end, else now while it runs, else its last event. */
  readonly clockEnd: number;
  readonly levels: readonly LevelFacts[];
  /** Tasks no source gives a level: shown apart, never put in a level. */
  readonly unleveled: { readonly taskCount: number; readonly completed: number; readonly failed: number };
}

export interface FactsInputs {
  /** The moment the facts are for (epoch ms). */
  readonly now: number;
  /** Level → task count, from the feature's task graph when there is one. */
  readonly graphLevels?: ReadonlyMap<number, number> | null;
  /** True when the orchestrator that held the run's lock is known to be gone (DESIGN §4.3). */
  readonly orchestratorGone?: boolean;
}

/** How long a live worker's heartbeats may stop before it is stalled (`--stall-after`), and a run's before it is abandoned. */
export const DEFAULT_STALL_AFTER_MS = 120_000;

const COMPLETE = 'complete';
const FAILED = 'failed';
const IN_FLIGHT = new Set(['claimed', 'in_progress', 'verifying']);
const NOT_STARTED = new Set(['todo', 'pending']);
const GONE_WORKER = new Set(['stopped', 'crashed']);

/** A worker that stopped or crashed: its uptime and last activity no longer grow. */
export const workerGone = (w: Pick<WorkerMetrics, 'status'>): boolean => GONE_WORKER.has(w.status ?? '');

export function factsOf(snapshot: RunSnapshot, inputs: FactsInputs): RunFacts {
  const graphLevels = inputs.graphLevels ?? null;
  const status: RunPhase = snapshot.status === 'running' && inputs.orchestratorGone === true ? 'abandoned' : snapshot.status;
  const seen = snapshot.metrics.tasksTotal;
  const sizeKnown = snapshot.sizeKnown || graphLevels !== null || status === 'complete';
  const total = !sizeKnown ? null : graphLevels !== null ? Math.max(sumOf(graphLevels), seen) : seen;
  const completed = snapshot.metrics.tasksCompleted;
  const clockEnd = snapshot.endedAt ?? (status === 'running' ? inputs.now : (snapshot.lastEventAt ?? inputs.now));
  const basis = basisOf(snapshot, graphLevels);
  const levels = levelFacts(basis, status, clockEnd, sizeKnown, snapshot.pauses);
  return {
    status,
    sizeKnown,
    total,
    completed,
    failed: snapshot.metrics.tasksFailed,
    fraction: total === null ? null : total > 0 ? Math.min(1, completed / total) : 1,
    etaMs: status === 'complete' ? 0 : status === 'running' && total !== null ? etaOf(snapshot, basis, levels, total, inputs.now) : null,
    currentLevel: levels.find((l) => l.phase !== 'done')?.level ?? snapshot.currentLevel,
    clockEnd,
    levels,
    unleveled: basis.unleveled,
  };
}

/**
 * The workers whose heartbeats stopped (DESIGN §7): live workers of a running run (`status`: the
 * run facts' status, which knows an abandoned run) whose last
 * heartbeat is older than `stallAfterMs`. A task that merely runs long is no stall, and a worker
 * that never sent a heartbeat (an older log) is never called stalled: nothing says it should have.
 */
export function stalledWorkers(snapshot: RunSnapshot, now: number, stallAfterMs: number, status: RunPhase = snapshot.status): number[] {
  // An ended or abandoned run waits on nobody: no alarm.
  if (status !== 'running') return [];
  const out: number[] = [];
  for (const w of snapshot.metrics.workerMetrics) {
    const beat = w.lastHeartbeatAt;
    if (typeof beat === 'number' && isLive(w) && now - beat > stallAfterMs) out.push(w.workerId);
  }
  return out;
}

/** Level → task count of a graph's tasks. */
export function levelSizes(tasks: readonly { readonly level: number }[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const task of tasks) out.set(task.level, (out.get(task.level) ?? 0) + 1);
  return out;
}

const sumOf = (sizes: ReadonlyMap<number, number>): number => {
  let n = 0;
  for (const size of sizes.values()) n += size;
  return n;
};

/** What a level is made of, before the clock and the run's status are applied. */
interface LevelBasis {
  readonly level: number;
  /** Status the metrics give, when they give one. */
  readonly status: string | undefined;
  readonly taskCount: number;
  readonly completed: number;
  readonly failed: number;
  readonly durationMs: number | null;
  readonly startedAt: number | null;
  readonly figures: { readonly avgMs: number | null; readonly p50Ms: number | null; readonly p95Ms: number | null };
  readonly tasks: readonly TaskMetrics[];
  /** Whether it has been worked on (a status, an outcome, a task touched). */
  readonly active: boolean;
  /** The earliest claim (or start) of its tasks, and their latest completion. */
  readonly firstBegun: number | null;
  readonly lastCompleted: number | null;
}

interface Basis {
  readonly levels: readonly LevelBasis[];
  readonly unleveled: RunFacts['unleveled'];
}

/**
 * The per-snapshot part of the facts, worked out once per snapshot and graph: the dashboard asks
 * for the facts every frame, and between snapshots only the clock moves.
 */
const basisCache = new WeakMap<RunSnapshot, { graphLevels: ReadonlyMap<number, number> | null; basis: Basis }>();

function basisOf(snapshot: RunSnapshot, graphLevels: ReadonlyMap<number, number> | null): Basis {
  const hit = basisCache.get(snapshot);
  if (hit !== undefined && hit.graphLevels === graphLevels) return hit.basis;
  const basis = computeBasis(snapshot, graphLevels ?? new Map());
  basisCache.set(snapshot, { graphLevels, basis });
  return basis;
}

function computeBasis(snapshot: RunSnapshot, graphLevels: ReadonlyMap<number, number>): Basis {
  const byLevel = groupByLevel(snapshot.tasks);
  const metricsOf = new Map<number, LevelMetrics>(snapshot.metrics.levelMetrics.map((lm) => [lm.level, lm]));
  const numbers = new Set<number>([...metricsOf.keys(), ...graphLevels.keys()]);
  for (const key of byLevel.keys()) if (key !== null) numbers.add(key);

  const levels = [...numbers]
    .sort((a, b) => a - b)
    .map((level): LevelBasis => {
      const lm = metricsOf.get(level);
      const tasks = byLevel.get(level) ?? [];
      const graphSize = graphLevels.get(level) ?? 0;
      const completed = lm ? lm.completedCount : tasks.filter((t) => t.status === COMPLETE).length;
      const failed = lm ? lm.failedCount : tasks.filter((t) => t.status === FAILED).length;
      const status = lm?.status;
      const span = taskSpan(tasks);
      return {
        level,
        status,
        taskCount: Math.max(lm ? lm.taskCount : tasks.length, graphSize),
        completed,
        failed,
        durationMs: lm?.durationMs ?? null,
        startedAt: lm?.startedAt ?? null,
        figures: lm ? levelTaskFigures(lm) : NO_FIGURES,
        tasks,
        active: status === 'running' || status === COMPLETE || status === FAILED || status === 'stopped' || completed + failed > 0 || touched(tasks),
        ...span,
      };
    });
  const unleveledTasks = byLevel.get(null) ?? [];
  return {
    levels,
    unleveled: {
      taskCount: unleveledTasks.length,
      completed: unleveledTasks.filter((t) => t.status === COMPLETE).length,
      failed: unleveledTasks.filter((t) => t.status === FAILED).length,
    },
  };
}

function levelFacts(basis: Basis, status: RunPhase, clockEnd: number, sizeKnown: boolean, pauses: RunSnapshot['pauses']): LevelFacts[] {
  const { levels } = basis;
  return levels.map((b, i) => {
    const laterActive = levels.slice(i + 1).some((l) => l.active);
    const phase = levelPhase(b, laterActive, status);
    const duration = phase === 'pending' ? null : levelDuration(b, phase, clockEnd, pauses);
    return {
      level: b.level,
      phase,
      durationMs: duration,
      measured: b.durationMs !== null,
      taskCount: b.taskCount,
      sizeKnown,
      completed: b.completed,
      failed: b.failed,
      ...b.figures,
    };
  });
}

const NO_FIGURES = { avgMs: null, p50Ms: null, p95Ms: null } as const;

/** A level's task-time figures; null until one of its tasks has a measured duration. */
function levelTaskFigures(lm: LevelMetrics): LevelBasis['figures'] {
  if ((lm.samples ?? lm.completedCount) <= 0) return NO_FIGURES;
  return { avgMs: lm.avgTaskDurationMs, p50Ms: lm.p50DurationMs, p95Ms: lm.p95DurationMs };
}

const touched = (tasks: readonly TaskMetrics[]): boolean => tasks.some((t) => t.status !== undefined && !NOT_STARTED.has(t.status));

/**
 * done / running / pending / failed / stopped. The metrics' status wins, except that a level every
 * task of which is complete is done once the run has moved past it or ended (upstream state files
 * often record no `level_complete`), and a level still going when the run stopped (or was
 * abandoned) is stopped, not running.
 */
function levelPhase(b: LevelBasis, laterActive: boolean, run: RunPhase): LevelPhase {
  const allDone = b.taskCount > 0 && b.completed >= b.taskCount;
  const ended = run === 'complete' || run === 'stopped' || run === 'failed' || run === 'abandoned';
  switch (b.status) {
    case COMPLETE:
      return 'done';
    case FAILED:
      return 'failed';
    case 'pending':
      return 'pending';
    default:
      break;
  }
  if (allDone && (b.status === undefined || laterActive || ended)) return 'done';
  if (b.failed > 0 && run === 'failed') return 'failed';
  const going = b.status === 'running' || b.status === 'stopped' || b.completed > 0 || b.failed > 0 || touched(b.tasks);
  if (!going) return 'pending';
  if (b.status === 'stopped' || run === 'stopped' || run === 'abandoned') return 'stopped';
  if (b.failed > 0 && ended) return 'failed';
  return 'running';
}

/**
 * The level's duration from its events; without them (upstream states with no level stamps),
 * from its tasks' own stamps: first claim to last completion, or to the run's clock while it runs;
 * the time the run stood stopped is left out, as from the measured durations.
 */
function levelDuration(b: LevelBasis, phase: LevelPhase, clockEnd: number, pauses: RunSnapshot['pauses']): number | null {
  if (b.durationMs !== null) return b.durationMs;
  const start = b.startedAt ?? b.firstBegun;
  if (start === null) return null;
  const until = phase === 'done' ? b.lastCompleted : clockEnd;
  return until === null ? null : activeSpan(start, until, pauses);
}

function taskSpan(tasks: readonly TaskMetrics[]): { firstBegun: number | null; lastCompleted: number | null } {
  let firstBegun: number | null = null;
  let lastCompleted: number | null = null;
  for (const t of tasks) {
    const begun = t.claimedAt ?? t.startedAt ?? null;
    if (begun !== null && (firstBegun === null || begun < firstBegun)) firstBegun = begun;
    const completed = t.completedAt ?? null;
    if (completed !== null && (lastCompleted === null || completed > lastCompleted)) lastCompleted = completed;
  }
  return { firstBegun, lastCompleted };
}

/**
 * The time left, respecting level barriers (DESIGN §4.5): each level not done runs on the live
 * workers, its tasks in flight finishing after the mean execution time less what they have run,
 * the rest taking the mean each, handed to whichever worker is free first; the next level starts
 * when the last of them ends. Tasks of no level, or not known yet, run after the levels. Null
 * before any task has a measured time, or when no worker is live.
 */
function etaOf(snapshot: RunSnapshot, basis: Basis, levels: readonly LevelFacts[], total: number, now: number): number | null {
  const m = snapshot.metrics;
  if (m.tasksCompleted >= total) return 0;
  const mean = m.avgTaskDurationMs;
  if ((m.samples ?? m.tasksCompleted) <= 0 || mean === undefined) return null;
  const workers = m.workerMetrics.filter(isLive).length;
  if (workers === 0) return null;

  let eta = 0;
  let planned = m.tasksCompleted;
  levels.forEach((level, i) => {
    if (level.phase === 'done') return;
    const tasks = basis.levels[i]?.tasks ?? [];
    const inFlight = tasks.filter((t) => t.status !== undefined && IN_FLIGHT.has(t.status)).map((t) => mean - elapsedOf(t, now));
    const queued = Math.max(0, level.taskCount - level.completed - inFlight.length);
    eta += makespan(inFlight, queued, mean, workers);
    planned += inFlight.length + queued;
  });
  const rest = total - planned;
  if (rest > 0) eta += makespan([], rest, mean, workers);
  return Math.round(eta);
}

const isLive = (w: WorkerMetrics): boolean => typeof w.startedAt === 'number' && !workerGone(w);

const elapsedOf = (t: TaskMetrics, now: number): number => {
  const since = t.claimedAt ?? t.startedAt ?? null;
  return since === null ? 0 : Math.max(0, now - since);
};

/**
 * When the last of a level's tasks ends on `workers` workers: those in flight end after what they
 * have left (between nothing and the mean), then each queued task takes `mean` on the first worker
 * free. With equal task times and free times less than one task apart, "first free" goes round
 * the workers in the order they free up, so the count per worker is known without simulating.
 */
function makespan(inFlight: readonly number[], queued: number, mean: number, workers: number): number {
  const free = inFlight.map((left) => Math.min(mean, Math.max(0, left)));
  while (free.length < workers) free.push(0);
  free.sort((a, b) => a - b);
  const rounds = Math.floor(queued / free.length);
  const extra = queued % free.length;
  let end = 0;
  free.forEach((at, k) => {
    end = Math.max(end, at + (rounds + (k < extra ? 1 : 0)) * mean);
  });
  return end;
}

type TasksByLevel = Map<number | null, TaskMetrics[]>;

function groupByLevel(tasks: readonly TaskMetrics[]): TasksByLevel {
  const out: TasksByLevel = new Map();
  for (const task of tasks) {
    const key = typeof task.level === 'number' ? task.level : null;
    const list = out.get(key);
    if (list) list.push(task);
    else out.set(key, [task]);
  }
  return out;
}
