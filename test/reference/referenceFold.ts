/**
 * A deliberately naive reference of the run metrics (DESIGN §4.3, §5): a plain loop over the lines
 * of an events log, parsed with `JSON.parse`, that shares no code with the product (it imports
 * nothing from `src/`). It keeps every attempt as a record and works every figure out at the end
 * from those records, the slow obvious way, so that a differential test can hold the product's
 * incremental reducer to it.
 *
 * It reads what the generator in this folder writes (valid lines, in lifecycle order, with
 * redeliveries and repeated lines): it does not try to match the product on broken input.
 */

const HOUR_MS = 3_600_000;
/** Types after which an ended run is running again (it was resumed). */
const RESUMING = new Set(['rush_started', 'worker_started', 'level_started', 'task_claimed', 'task_started']);

/** A stamp → epoch ms, microseconds kept: `Date.parse` of the stamp without its fraction, plus the fraction. */
export function parseStamp(stamp: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (!m) throw new Error(`reference: unreadable stamp ${stamp}`);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  return m[2] === undefined ? whole : whole + Number(`0.${m[2]}`) * 1000;
}

interface Attempt {
  task: string;
  worker: number;
  level: number | null;
  claimedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  outcome: 'complete' | 'failed' | 'interrupted' | 'abandoned' | null;
}

interface Lifetime {
  start: number;
  stop: number | null;
}

interface RefWorker {
  id: number;
  lifetimes: Lifetime[];
  readyAt: number | null;
  status: string;
  lastEventAt: number | null;
  lastHeartbeatAt: number | null;
  lastTaskCompletedAt: number | null;
}

interface RefTask {
  id: string;
  level: number | null;
  complete: boolean;
  /** The execution duration of its completion (null: unknown or negative). */
  duration: number | null;
  completedBy: number | null;
  /** 'failed' | 'waiting_retry' | 'pending' | ... as the product names them; only what the figures need. */
  lastOutcome: 'complete' | 'failed' | 'interrupted' | null;
  /** A retry was scheduled or a new claim made after its last failure. */
  followedUp: boolean;
}

interface RefLevel {
  startedAt: number | null;
  completedAt: number | null;
  declared: number;
  maxParallel: number;
}

export interface ReferenceMetrics {
  status: 'pending' | 'running' | 'complete' | 'failed' | 'stopped';
  totalDurationMs: number | null;
  activeDurationMs: number | null;
  workersUsed: number;
  tasksTotal: number;
  tasksCompleted: number;
  tasksFailed: number;
  levelsCompleted: number;
  avgTaskDurationMs: number;
  p50DurationMs: number;
  p95DurationMs: number;
  p99DurationMs: number;
  percentileMethod: 'exact';
  samples: number;
  etaMs: number | null;
  throughputPerHour: number;
  progress: number;
  startedAt: number | null;
  duplicateEvents: number;
  /** Where the fold stands: bytes read, and the seqs seen per producer (highest; as ranges). */
  source: { eventsOffset: number; seqHwm: Record<string, number>; seqRanges: Record<string, [number, number][]> };
  workerMetrics: Record<string, unknown>[];
  levelMetrics: Record<string, unknown>[];
}

/**
 * DESIGN §4.1: sort, linear interpolation between neighbours at p/100 × (n−1), truncated — in whole
 * numbers (durations are whole ms, p an integer): the value is (100·a + (b−a)·r) / 100 exactly.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const hundredths = p * (sorted.length - 1);
  const lo = Math.floor(hundredths / 100);
  const r = hundredths - lo * 100;
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return Math.trunc((100 * a + (b - a) * r) / 100);
}

/** Instants as the metrics carry them: whole epoch ms (their JSON writes ISO strings). */
const at = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms));
const spanOf = (a: number | null, b: number | null): number | null => (a === null || b === null || b < a ? null : Math.trunc(b - a));

export function referenceFold(text: string, now: number): ReferenceMetrics {
  const seenPairs = new Set<string>();
  const seenLines = new Set<string>();
  let duplicateEvents = 0;

  let firstAt: number | null = null;
  let rushStartedAt: number | null = null;
  let declared = 0;
  let ended: { at: number; kind: string; reason: string | null } | null = null;
  const pauses: [number, number][] = [];
  const attempts: Attempt[] = [];
  const workers = new Map<number, RefWorker>();
  const tasks = new Map<string, RefTask>();
  const levels = new Map<number, RefLevel>();
  const allDurations: number[] = [];
  const failedOn = new Map<number, number>();
  const levelDurations = new Map<number, number[]>();

  const worker = (id: number, ts: number): RefWorker => {
    let w = workers.get(id);
    if (!w) {
      w = { id, lifetimes: [], readyAt: null, status: 'initializing', lastEventAt: null, lastHeartbeatAt: null, lastTaskCompletedAt: null };
      workers.set(id, w);
    }
    if (w.lastEventAt === null || ts > w.lastEventAt) w.lastEventAt = ts;
    return w;
  };
  const task = (id: string): RefTask => {
    let t = tasks.get(id);
    if (!t) {
      t = { id, level: null, complete: false, duration: null, completedBy: null, lastOutcome: null, followedUp: false };
      tasks.set(id, t);
    }
    return t;
  };
  const level = (n: number): RefLevel => {
    let l = levels.get(n);
    if (!l) {
      l = { startedAt: null, completedAt: null, declared: 0, maxParallel: 0 };
      levels.set(n, l);
    }
    return l;
  };
  const openAttempt = (taskId: string): Attempt | undefined => attempts.find((a) => a.task === taskId && a.endedAt === null);
  const openOn = (workerId: number): Attempt | undefined => attempts.find((a) => a.worker === workerId && a.endedAt === null);
  const close = (a: Attempt, ts: number, outcome: Attempt['outcome']): void => {
    a.endedAt = ts;
    a.outcome = outcome;
    const w = workers.get(a.worker);
    if (w && w.status === 'running') w.status = 'idle';
  };
  const claim = (taskId: string, workerId: number, ts: number): void => {
    const t = task(taskId);
    const open = openAttempt(taskId);
    if (open) close(open, ts, 'abandoned');
    attempts.push({ task: taskId, worker: workerId, level: t.level, claimedAt: ts, startedAt: null, endedAt: null, outcome: null });
    t.followedUp = true;
    const w = worker(workerId, ts);
    w.status = 'running';
    if (t.level !== null) {
      const running = attempts.filter((a) => a.endedAt === null && a.level === t.level).length;
      const l = level(t.level);
      l.maxParallel = Math.max(l.maxParallel, running);
    }
  };

  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as { timestamp: string; type: string; data?: Record<string, unknown>; producer?: string; seq?: number };
    if (e.producer !== undefined && e.seq !== undefined) {
      const key = `${e.producer}\u0000${e.seq}`;
      if (seenPairs.has(key)) {
        duplicateEvents += 1;
        continue;
      }
      seenPairs.add(key);
    } else {
      if (seenLines.has(line)) {
        duplicateEvents += 1;
        continue;
      }
      seenLines.add(line);
    }
    const ts = parseStamp(e.timestamp);
    const d = e.data ?? {};
    const taskId = d.task_id as string;
    const workerId = d.worker_id as number;
    if (firstAt === null || ts < firstAt) firstAt = ts;
    if (ended !== null && RESUMING.has(e.type)) {
      if (ts > ended.at) pauses.push([ended.at, ts]);
      ended = null;
    }

    switch (e.type) {
      case 'rush_started':
        if (rushStartedAt === null) rushStartedAt = ts;
        declared = Math.max(declared, (d.total_tasks as number | undefined) ?? 0);
        break;
      case 'rush_completed':
      case 'rush_stopped':
        ended = { at: ts, kind: e.type, reason: (d.reason as string | undefined) ?? null };
        break;
      case 'worker_started': {
        const w = worker(workerId, ts);
        const last = w.lifetimes[w.lifetimes.length - 1];
        if (last === undefined || last.stop !== null) w.lifetimes.push({ start: ts, stop: null });
        w.status = 'initializing';
        break;
      }
      case 'worker_ready': {
        const w = worker(workerId, ts);
        if (w.readyAt === null) w.readyAt = ts;
        if (w.status === 'initializing') w.status = 'ready';
        break;
      }
      case 'worker_heartbeat': {
        const w = worker(workerId, ts);
        if (w.lastHeartbeatAt === null || ts > w.lastHeartbeatAt) w.lastHeartbeatAt = ts;
        break;
      }
      case 'worker_stopped':
      case 'worker_crashed': {
        const w = worker(workerId, ts);
        const open = openOn(workerId);
        if (open) close(open, ts, 'abandoned');
        const last = w.lifetimes[w.lifetimes.length - 1];
        if (last && last.stop === null) last.stop = ts;
        w.status = e.type === 'worker_crashed' ? 'crashed' : 'stopped';
        break;
      }
      case 'task_created': {
        const t = task(taskId);
        if (typeof d.level === 'number') {
          t.level = d.level;
          level(d.level);
        }
        break;
      }
      case 'level_started': {
        const l = level(d.level as number);
        if (l.startedAt === null) l.startedAt = ts;
        if (typeof d.tasks === 'number') l.declared = Math.max(l.declared, d.tasks);
        break;
      }
      case 'level_complete': {
        const l = level(d.level as number);
        if (l.completedAt === null) l.completedAt = ts;
        break;
      }
      case 'task_claimed':
        claim(taskId, workerId, ts);
        break;
      case 'task_started': {
        const open = openAttempt(taskId);
        if (!open) claim(taskId, workerId, ts);
        else worker(workerId, ts);
        const a = openAttempt(taskId) as Attempt;
        a.startedAt = ts;
        break;
      }
      // A verification is about its task: the worker's last event is one of its own or an attempt's.
      case 'verification_passed':
      case 'verification_failed':
        task(taskId);
        break;
      case 'task_retry_scheduled':
        task(taskId).followedUp = true;
        break;
      case 'task_complete': {
        const t = task(taskId);
        const a = openAttempt(taskId);
        const measured = typeof d.duration_ms === 'number' ? d.duration_ms : a?.startedAt != null ? ts - a.startedAt : null;
        if (a) close(a, ts, 'complete');
        t.complete = true;
        t.lastOutcome = 'complete';
        t.duration = measured !== null && measured >= 0 ? Math.trunc(measured) : null;
        t.completedBy = workerId;
        const w = worker(workerId, ts);
        w.lastTaskCompletedAt = ts;
        if (t.duration !== null) {
          allDurations.push(t.duration);
          if (t.level !== null) {
            const list = levelDurations.get(t.level) ?? [];
            list.push(t.duration);
            levelDurations.set(t.level, list);
          }
        }
        break;
      }
      case 'task_failed': {
        const t = task(taskId);
        const a = openAttempt(taskId);
        if (a) close(a, ts, 'failed');
        else attempts.push({ task: taskId, worker: workerId, level: t.level, claimedAt: ts, startedAt: null, endedAt: ts, outcome: 'failed' });
        // The failure is counted on the worker it names.
        failedOn.set(workerId, (failedOn.get(workerId) ?? 0) + 1);
        t.lastOutcome = 'failed';
        t.followedUp = false;
        worker(workerId, ts);
        break;
      }
      case 'task_interrupted': {
        const t = task(taskId);
        const a = openAttempt(taskId);
        if (a) close(a, ts, 'interrupted');
        t.lastOutcome = 'interrupted';
        worker(workerId, ts);
        break;
      }
      default:
        break;
    }
  }

  // ---- the figures, from the records -------------------------------------------------------------
  const endAt = ended?.at ?? null;
  const startedAt = rushStartedAt ?? firstAt;
  const runEnd = endAt ?? now;
  const paused = (from: number, to: number): number =>
    pauses.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
  const activeSpanOf = (from: number | null, to: number | null): number | null => {
    const whole = spanOf(from, to);
    return whole === null || from === null || to === null ? null : Math.max(0, Math.trunc(whole - paused(from, to)));
  };

  const taskList = [...tasks.values()];
  const countsFailed = (t: RefTask) => !t.complete && t.lastOutcome === 'failed';
  const failedForGood = (t: RefTask) => countsFailed(t) && !t.followedUp;
  const permanent = taskList.filter(failedForGood).length;
  let status: ReferenceMetrics['status'];
  if (firstAt === null) status = 'pending';
  else if (ended === null) status = 'running';
  else if (ended.reason === 'failed_task' || permanent > 0) status = 'failed';
  else status = ended.kind === 'rush_completed' ? 'complete' : 'stopped';

  const workerMetrics = [...workers.values()]
    .sort((a, b) => a.id - b.id)
    .map((w) => {
      const mine = attempts.filter((a) => a.worker === w.id);
      const completed = taskList.filter((t) => t.complete && t.completedBy === w.id);
      const timed = completed.filter((t) => t.duration !== null);
      const total = timed.reduce((s, t) => s + (t.duration as number), 0);
      const last = w.lifetimes[w.lifetimes.length - 1];
      const end = last?.stop ?? Math.max(runEnd, last?.start ?? runEnd);
      let lived = 0;
      for (const life of w.lifetimes) lived += Math.max(0, (life.stop ?? end) - life.start);
      const uptime = Math.trunc(lived);
      let busy = 0;
      for (const a of mine) {
        const until = a.endedAt ?? end;
        if (until > a.claimedAt) busy += until - a.claimedAt;
      }
      busy = Math.trunc(busy);
      const first = w.lifetimes[0]?.start ?? null;
      const init = spanOf(first, w.readyAt);
      const current = mine.find((a) => a.endedAt === null);
      return {
        workerId: w.id,
        initializationMs: init,
        uptimeMs: uptime,
        tasksCompleted: completed.length,
        tasksFailed: failedOn.get(w.id) ?? 0,
        totalTaskDurationMs: total,
        avgTaskDurationMs: timed.length > 0 ? total / timed.length : 0,
        status: w.status,
        currentTask: current?.task ?? null,
        busyMs: busy,
        idleMs: Math.max(0, uptime - busy - (init ?? 0)),
        utilization: uptime > 0 ? Math.min(1, busy / uptime) : null,
        throughputPerHour: uptime > 0 ? (completed.length * HOUR_MS) / uptime : 0,
        startedAt: at(first),
        readyAt: at(w.readyAt),
        stoppedAt: at(last?.stop ?? null),
        lastTaskCompletedAt: at(w.lastTaskCompletedAt),
        lastEventAt: at(w.lastEventAt),
        lastHeartbeatAt: at(w.lastHeartbeatAt),
        currentTaskStartedAt: at(current?.claimedAt ?? null),
      };
    });

  const levelNumbers = [...levels.keys()].filter((n) => taskList.some((t) => t.level === n) || (levels.get(n) as RefLevel).startedAt !== null).sort((a, b) => a - b);
  const levelMetrics = levelNumbers.map((n) => {
    const l = levels.get(n) as RefLevel;
    const mine = taskList.filter((t) => t.level === n);
    const durations = levelDurations.get(n) ?? [];
    const sum = durations.reduce((s, x) => s + x, 0);
    const duration = activeSpanOf(l.startedAt, l.completedAt);
    const begun = l.startedAt !== null || attempts.some((a) => tasks.get(a.task)?.level === n);
    let levelStatus: string;
    if (l.completedAt !== null) levelStatus = 'complete';
    else if (status === 'running' || status === 'pending') levelStatus = begun ? 'running' : 'pending';
    else if (mine.some(failedForGood)) levelStatus = 'failed';
    else levelStatus = begun ? 'stopped' : 'pending';
    return {
      level: n,
      durationMs: duration,
      taskCount: Math.max(mine.length, l.declared),
      completedCount: mine.filter((t) => t.complete).length,
      failedCount: mine.filter(countsFailed).length,
      avgTaskDurationMs: durations.length > 0 ? sum / durations.length : 0,
      p50DurationMs: percentile(durations, 50),
      p95DurationMs: percentile(durations, 95),
      p99DurationMs: percentile(durations, 99),
      percentileMethod: 'exact',
      samples: durations.length,
      status: levelStatus,
      maxParallel: l.maxParallel,
      parallelEfficiency: duration && workers.size > 0 ? sum / (duration * workers.size) : null,
      startedAt: at(l.startedAt),
      completedAt: at(l.completedAt),
    };
  });

  const totalDurationMs = spanOf(startedAt, runEnd);
  const tasksTotal = Math.max(declared, tasks.size);
  const tasksCompleted = taskList.filter((t) => t.complete).length;
  // The estimate: remaining tasks × mean task time ÷ workers alive (none when stopped or nothing measured yet).
  const mean = allDurations.length > 0 ? allDurations.reduce((s, x) => s + x, 0) / allDurations.length : 0;
  const alive = [...workers.values()].filter((w) => w.lifetimes.length > 0 && (w.lifetimes[w.lifetimes.length - 1] as Lifetime).stop === null).length;
  const remaining = tasksTotal - tasksCompleted;
  let etaMs: number | null;
  if (status === 'complete' || remaining <= 0) etaMs = 0;
  else if (status !== 'running' || allDurations.length === 0 || alive === 0) etaMs = null;
  else etaMs = Math.round((remaining * mean) / alive);

  const seqs = new Map<string, number[]>();
  for (const key of seenPairs) {
    const [producer, seq] = key.split('\u0000') as [string, string];
    seqs.set(producer, [...(seqs.get(producer) ?? []), Number(seq)]);
  }
  const seqHwm: Record<string, number> = {};
  const seqRanges: Record<string, [number, number][]> = {};
  for (const [producer, list] of seqs) {
    list.sort((a, b) => a - b);
    seqHwm[producer] = list[list.length - 1] as number;
    const ranges: [number, number][] = [];
    for (const seq of list) {
      const last = ranges[ranges.length - 1];
      if (last && seq === last[1] + 1) last[1] = seq;
      else ranges.push([seq, seq]);
    }
    seqRanges[producer] = ranges;
  }
  return {
    status,
    totalDurationMs,
    activeDurationMs: activeSpanOf(startedAt, runEnd),
    workersUsed: [...workers.values()].filter((w) => w.lifetimes.length > 0).length,
    tasksTotal,
    tasksCompleted,
    tasksFailed: taskList.filter(countsFailed).length,
    levelsCompleted: levelMetrics.filter((l) => l.status === 'complete').length,
    avgTaskDurationMs: mean,
    p50DurationMs: percentile(allDurations, 50),
    p95DurationMs: percentile(allDurations, 95),
    p99DurationMs: percentile(allDurations, 99),
    percentileMethod: 'exact',
    samples: allDurations.length,
    etaMs,
    throughputPerHour: totalDurationMs ? (tasksCompleted * HOUR_MS) / totalDurationMs : 0,
    progress: tasksTotal > 0 ? tasksCompleted / tasksTotal : 0,
    startedAt: at(startedAt),
    duplicateEvents,
    source: { eventsOffset: Buffer.byteLength(text), seqHwm, seqRanges },
    workerMetrics,
    levelMetrics,
  };
}
