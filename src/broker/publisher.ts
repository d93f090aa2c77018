/**
 * Writes to the broker in the order they were asked for: events (`XADD` to the events stream) and
 * queued tasks (`XADD` to the tasks stream), pipelined in batches. Nothing is dropped on a
 * connection loss: a batch in flight when the connection went is sent again whole, and so are the
 * writes confirmed shortly before the loss — Redis may have acknowledged them without having them
 * on disk yet (AOF `everysec`). Readers dedupe events by `(producer, seq)`; workers skip a task
 * attempt they have already claimed. Order matters: a task is queued only after the events before
 * it (its `task_created`, its level's `level_started`) were written.
 */
import type { BrokerConnection } from './connect';

interface Write {
  readonly key: string;
  readonly fields: readonly string[];
}

export interface PublisherOptions {
  /** Writes confirmed this long before a connection loss are sent again (ms; default 2000). */
  readonly resendWindowMs?: number;
  readonly batchSize?: number;
  readonly onProblem?: (message: string) => void;
  readonly now?: () => number;
}

export class Publisher {
  private pending: Write[] = [];
  /** Writes confirmed recently, with when: what a server restart may have lost. */
  private recent: { at: number; write: Write }[] = [];
  private running = false;
  private idle: (() => void)[] = [];
  private seenEpoch: number;
  private readonly windowMs: number;
  private readonly batchSize: number;
  private readonly now: () => number;

  constructor(
    private readonly conn: BrokerConnection,
    private readonly options: PublisherOptions = {},
  ) {
    this.windowMs = options.resendWindowMs ?? 2000;
    this.batchSize = options.batchSize ?? 512;
    this.now = options.now ?? Date.now;
    this.seenEpoch = conn.epoch();
    conn.redis.on('ready', () => this.afterReconnect());
  }

  /** Writes `fields` to stream `key` after everything asked before it. */
  add(key: string, fields: readonly string[]): void {
    this.pending.push({ key, fields });
    void this.pump();
  }

  /** Writes not confirmed yet. */
  get backlog(): number {
    return this.pending.length;
  }

  /** Resolves once every write asked so far is confirmed. */
  drained(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private afterReconnect(): void {
    if (this.conn.epoch() === this.seenEpoch) return;
    this.seenEpoch = this.conn.epoch();
    const again = this.recent.map((r) => r.write);
    this.recent = [];
    if (again.length === 0) return;
    this.pending = [...again, ...this.pending];
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.batchSize);
        const epoch = this.conn.epoch();
        const pipeline = this.conn.redis.pipeline();
        for (const w of batch) pipeline.xadd(w.key, '*', ...w.fields);
        let results: [Error | null, unknown][] | null;
        try {
          results = await pipeline.exec();
        } catch (err) {
          // The connection was closed for good (close() during a write): nothing more can be sent.
          this.options.onProblem?.(`cannot write to the broker: ${(err as Error).message}`);
          if (this.conn.redis.status === 'end') break;
          continue;
        }
        // A loss while the batch was in flight: its fate is unknown, send it again whole.
        if (this.conn.epoch() !== epoch) continue;
        for (const [i, r] of (results ?? []).entries()) {
          if (r[0] !== null) this.options.onProblem?.(`the broker refused a write to ${batch[i]?.key}: ${r[0].message}`);
        }
        this.pending.splice(0, batch.length);
        const at = this.now();
        for (const write of batch) this.recent.push({ at, write });
        const keepFrom = this.recent.findIndex((r) => r.at >= at - this.windowMs);
        if (keepFrom > 0) this.recent.splice(0, keepFrom);
      }
    } finally {
      this.running = false;
      if (this.pending.length === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
