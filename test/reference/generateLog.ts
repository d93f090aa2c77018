/**
 * Realistic events logs, generated from a seed, as written by orchestrators and workers other than
 * ours: several producers each numbering its own events, seqs issued in another order than the lines
 * were written (two writer threads), a seq inflated far ahead, exact redeliveries later in the log,
 * repeated lines of events without producer+seq, runs interrupted by a signal and resumed with their
 * worker slots reused, failures with retries, a task failing for good, heartbeats, and upstream's
 * own spelling (`timestamp, type, feature, data` key order, `+00:00` stamps with microseconds).
 *
 * It writes wire JSON only, from a simulation of its own: it shares no code with the product.
 */

export interface LogShape {
  readonly workers: number;
  readonly tasksPerLevel: readonly number[];
  readonly failRate: number;
  readonly maxRetries: number;
  /** Stops by a signal, `after` ms into the run, each resumed after `pause` ms. */
  readonly stops: readonly { readonly after: number; readonly pause: number }[];
  /** Upstream style: key order, `+00:00` microsecond stamps, no `reason` on the end events. */
  readonly upstream: boolean;
  /** Events carry producer + seq (else the dedupe is by line). */
  readonly numbered: boolean;
}

interface Draft {
  readonly ts: number;
  readonly order: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly producer: string;
}

type Pending = [ts: number, type: string, data: Record<string, unknown>, producer: string];

/** An attempt whose outcome is not written yet: a stop may still cut it short. */
interface InFlight {
  readonly task: string;
  readonly worker: number;
  readonly failuresBefore: number;
  readonly end: number;
  /** Its outcome and what it brings (heartbeats, retry): written when it ends before any stop. */
  readonly writes: Pending[];
  /** The retry it queued, taken back if it is interrupted. */
  readonly retry: QueueItem | null;
}

interface QueueItem {
  readonly id: string;
  readonly failures: number;
  notBefore: number;
}

export interface GeneratedLog {
  readonly text: string;
  readonly shape: LogShape;
  /** Epoch ms of the last event. */
  readonly lastAt: number;
}

const START = Date.UTC(2026, 0, 27, 8, 0, 0);

export function randomShape(rand: () => number): LogShape {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const stopCount = rand() < 0.45 ? int(1, 2) : 0;
  const stops = Array.from({ length: stopCount }, () => ({ after: int(300, 15_000), pause: int(1_000, 600_000) })).sort((a, b) => a.after - b.after);
  return {
    workers: int(1, 4),
    tasksPerLevel: Array.from({ length: int(1, 4) }, () => int(1, 5)),
    failRate: [0, 0.15, 0.4][int(0, 2)] as number,
    maxRetries: int(1, 3),
    stops,
    upstream: rand() < 0.3,
    numbered: rand() < 0.8,
  };
}

export function generateLog(rand: () => number, shape: LogShape = randomShape(rand)): GeneratedLog {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const drafts: Draft[] = [];
  let lastTs = START;
  let orch = 'orch-1';
  const emit = (ts: number, type: string, data: Record<string, unknown>, producer = orch): void => {
    drafts.push({ ts, order: drafts.length, type, data, producer });
    lastTs = Math.max(lastTs, ts);
  };
  const workerProducer = (w: number): string => `${orch}-w${w}`;
  const totalTasks = shape.tasksPerLevel.reduce((a, b) => a + b, 0);
  const stops = shape.stops.map((s) => ({ at: START + s.after, pause: s.pause }));
  let nextStop = stops.shift() ?? null;
  let lifetime = 1;
  const free: number[] = [];

  const startWorkers = (at: number): void => {
    for (let w = 0; w < shape.workers; w++) {
      const started = at + int(1, 50);
      const ready = started + int(0, 900);
      emit(started, 'worker_started', { worker_id: w });
      emit(ready, 'worker_ready', { worker_id: w }, workerProducer(w));
      free[w] = ready;
    }
  };
  const stopWorkers = (at: number): void => {
    for (let w = 0; w < shape.workers; w++) emit(at + w, 'worker_stopped', { worker_id: w });
  };
  const end = (at: number, type: string, reason: string): void => emit(at, type, shape.upstream ? {} : { reason });
  const write = (writes: readonly Pending[], before = Infinity): void => {
    for (const [ts, type, data, producer] of writes) if (ts < before) emit(ts, type, data, producer);
  };

  /** A stop at `at`: attempts still running are interrupted, workers stop, the run stops; then it resumes. Returns when. */
  const stopAndResume = (at: number, pause: number, inFlight: readonly InFlight[]): number => {
    for (const a of inFlight) {
      // What the attempt did before the stop is written; its outcome never comes.
      write(a.writes.filter((p) => p[1] === 'task_started' || p[1] === 'worker_heartbeat'), at);
      emit(at, 'task_interrupted', { task_id: a.task, worker_id: a.worker, reason: 'signal' });
    }
    stopWorkers(at + 1);
    end(at + shape.workers + 2, 'rush_stopped', 'signal');
    const resumedAt = at + shape.workers + 2 + pause;
    // A resumed orchestrator is another process: a new producer, or the same one numbering on.
    lifetime += 1;
    if (rand() < 0.5) orch = `orch-${lifetime}`;
    emit(resumedAt, 'rush_started', { workers: shape.workers, total_tasks: totalTasks });
    startWorkers(resumedAt);
    return resumedAt;
  };

  emit(START, 'rush_started', { workers: shape.workers, total_tasks: totalTasks });
  startWorkers(START);
  const createdAt = START + int(1, 20);
  shape.tasksPerLevel.forEach((n, i) => {
    for (let k = 1; k <= n; k++) emit(createdAt, 'task_created', { task_id: taskId(i + 1, k), level: i + 1 });
  });

  let levelStart = Math.max(createdAt + 1, ...free);
  let failedForGood = false;
  for (let i = 0; i < shape.tasksPerLevel.length && !failedForGood; i++) {
    const level = i + 1;
    const n = shape.tasksPerLevel[i] as number;
    if (nextStop && nextStop.at <= levelStart) {
      stopAndResume(Math.max(nextStop.at, lastTs + 1), nextStop.pause, []);
      nextStop = stops.shift() ?? null;
      levelStart = Math.max(...free) + 1;
    }
    emit(levelStart, 'level_started', { level, tasks: n });
    for (let w = 0; w < free.length; w++) free[w] = Math.max(free[w] as number, levelStart);
    const queue: QueueItem[] = Array.from({ length: n }, (_, k) => ({ id: taskId(level, k + 1), failures: 0, notBefore: levelStart }));
    let inFlight: InFlight[] = [];

    while (queue.length > 0) {
      const item = queue[0] as QueueItem;
      let w = 0;
      for (let k = 1; k < free.length; k++) if ((free[k] as number) < (free[w] as number)) w = k;
      const claimed = Math.max(free[w] as number, item.notBefore) + int(0, 30);
      if (nextStop && claimed >= nextStop.at) {
        const stopAt = Math.max(nextStop.at, levelStart + 1);
        for (const a of inFlight) if (a.end <= stopAt) write(a.writes);
        const cut = inFlight.filter((a) => a.end > stopAt);
        const resumedAt = stopAndResume(stopAt, nextStop.pause, cut);
        for (const a of cut) {
          if (a.retry) queue.splice(queue.indexOf(a.retry), 1);
          queue.unshift({ id: a.task, failures: a.failuresBefore, notBefore: 0 });
        }
        for (const q of queue) q.notBefore = Math.max(q.notBefore, resumedAt);
        inFlight = [];
        nextStop = stops.shift() ?? null;
        emit(resumedAt + 1, 'level_started', { level, tasks: n });
        continue;
      }
      queue.shift();
      const started = claimed + int(0, 40);
      const took = int(0, 5000);
      const ended = started + took;
      emit(claimed, 'task_claimed', { task_id: item.id, worker_id: w });
      free[w] = ended + int(1, 20);
      const writes: Pending[] = [[started, 'task_started', { task_id: item.id, worker_id: w }, workerProducer(w)]];
      if (took > 1500 && rand() < 0.6) writes.push([started + 1000, 'worker_heartbeat', { worker_id: w, task_id: item.id }, workerProducer(w)]);
      let retry: QueueItem | null = null;
      if (rand() < shape.failRate) {
        writes.push([ended, 'task_failed', { task_id: item.id, worker_id: w, error: `exit ${int(1, 3)}` }, workerProducer(w)]);
        const failures = item.failures + 1;
        if (failures > shape.maxRetries) {
          // Failed for good: the run stops (no later stop of this simulation cuts it short).
          failedForGood = true;
          nextStop = null;
          inFlight.push({ task: item.id, worker: w, failuresBefore: item.failures, end: ended, writes, retry });
          break;
        }
        writes.push([ended, 'task_retry_scheduled', { task_id: item.id, retry_count: failures }, orch]);
        retry = { id: item.id, failures, notBefore: ended + 1 };
        queue.push(retry);
      } else {
        if (rand() < 0.3) writes.push([ended, 'verification_passed', { task_id: item.id, worker_id: w, duration_ms: int(0, 300) }, workerProducer(w)]);
        const data = rand() < 0.7 ? { task_id: item.id, worker_id: w, duration_ms: took } : { task_id: item.id, worker_id: w };
        writes.push([ended, 'task_complete', data, workerProducer(w)]);
      }
      inFlight.push({ task: item.id, worker: w, failuresBefore: item.failures, end: ended, writes, retry });
    }
    for (const a of inFlight) write(a.writes);
    const levelEnd = Math.max(...free);
    if (!failedForGood) emit(levelEnd + 1, 'level_complete', { level });
    levelStart = levelEnd + int(2, 50);
  }
  const finish = Math.max(levelStart, ...free, lastTs) + int(1, 50);
  stopWorkers(finish);
  if (failedForGood) end(finish + shape.workers + 1, 'rush_stopped', 'failed_task');
  else end(finish + shape.workers + 1, 'rush_completed', 'done');

  return { text: serialize(drafts, shape, rand), shape, lastAt: lastTs };
}

const taskId = (level: number, k: number): string => `T-L${level}-${String(k).padStart(3, '0')}`;

/** Lines in arrival order, numbered per producer (seqs shuffled within small windows), with redeliveries. */
function serialize(drafts: Draft[], shape: LogShape, rand: () => number): string {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  // Arrival order: the order things happened in (ties: the order they were recorded).
  const arrived = [...drafts].sort((a, b) => a.ts - b.ts || a.order - b.order);
  const stamps = new Map<Draft, string>();
  for (let i = 0; i < arrived.length; ) {
    // Upstream stamps carry microseconds, increasing within a millisecond as the lines arrive.
    let j = i;
    while (j < arrived.length && (arrived[j] as Draft).ts === (arrived[i] as Draft).ts) j += 1;
    const micros = Array.from({ length: j - i }, () => int(0, 999)).sort((a, b) => a - b);
    for (let k = i; k < j; k++) stamps.set(arrived[k] as Draft, stampOf((arrived[k] as Draft).ts, shape.upstream ? micros[k - i] : undefined));
    i = j;
  }
  const seqs = new Map<Draft, number>();
  if (shape.numbered) {
    const byProducer = new Map<string, Draft[]>();
    for (const d of arrived) byProducer.set(d.producer, [...(byProducer.get(d.producer) ?? []), d]);
    for (const list of byProducer.values()) {
      const numbers = list.map((_, i) => i + 1);
      // Two writer threads: seqs are issued in one order, lines written in another.
      for (let i = 0; i < numbers.length; ) {
        const size = int(1, 4);
        const window = numbers.slice(i, i + size);
        for (let k = window.length - 1; k > 0; k--) {
          const j = int(0, k);
          [window[k], window[j]] = [window[j] as number, window[k] as number];
        }
        numbers.splice(i, window.length, ...window);
        i += size;
      }
      // A seq far ahead of the others, early in the log.
      if (rand() < 0.35 && list.length > 3) numbers[int(0, Math.min(5, list.length - 1))] = list.length + 1000;
      list.forEach((d, i) => seqs.set(d, numbers[i] as number));
    }
  }
  const lines = arrived.map((d) => lineOf(d, stamps.get(d) as string, seqs.get(d), shape.upstream));
  // Redeliveries: an exact copy of a line, again, later.
  const copies = int(0, 4);
  for (let c = 0; c < copies && lines.length > 1; c++) {
    const from = int(0, lines.length - 2);
    const to = int(from + 1, Math.min(lines.length, from + 40));
    lines.splice(to, 0, lines[from] as string);
  }
  return lines.join('');
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Our stamps: ms and `Z`; upstream's: µs and `+00:00`. */
function stampOf(ts: number, micros: number | undefined): string {
  const iso = new Date(ts).toISOString();
  return micros === undefined ? iso : `${iso.slice(0, -1)}${pad(micros, 3)}+00:00`;
}

function lineOf(d: Draft, stamp: string, seq: number | undefined, upstream: boolean): string {
  const feature = 'ref';
  if (upstream) {
    // Python's json.dumps: `timestamp, type, feature, data`, with spaces after separators.
    const envelope: Record<string, unknown> = { timestamp: stamp, type: d.type, feature, data: d.data };
    if (seq !== undefined) Object.assign(envelope, { producer: d.producer, seq });
    return `${JSON.stringify(envelope).replace(/","|",|":"|":|,"/g, (m) => m.replace(',', ', ').replace(':', ': '))}\n`;
  }
  const envelope: Record<string, unknown> = { timestamp: stamp, type: d.type, data: d.data, feature };
  if (seq !== undefined) Object.assign(envelope, { producer: d.producer, seq });
  return `${JSON.stringify(envelope)}\n`;
}
