/**
 * Reads a stream from a stored id: what is there now (`XRANGE`, after the id), then — when
 * following — each new entry as it comes (`XREAD BLOCK`). Runs on a connection of its own, since a
 * blocked read holds its connection; stopping closes that connection. Reconnects are the
 * connection's business: a read in flight is sent again, from the same id, so nothing is skipped.
 */
import type { BrokerConnection } from './connect';

export type StreamEntry = [id: string, fields: string[]];

export interface ReadStreamOptions {
  /** Entries after this id ('0': from the start). */
  readonly after: string;
  readonly follow: boolean;
  /** Called with each batch, in order; the next read waits for it. */
  readonly onBatch: (entries: readonly StreamEntry[]) => void | Promise<void>;
  /** After the entries that were there at the start have been handed over. */
  readonly onCaughtUp?: () => void;
  readonly count?: number;
  readonly blockMs?: number;
}

export interface StreamReader {
  /** Resolves when the reader ends (caught up without follow, or stopped). */
  readonly done: Promise<void>;
  /** The id of the last entry handed over. */
  readonly position: () => string;
  stop(): void;
}

export function readStream(conn: BrokerConnection, key: string, options: ReadStreamOptions): StreamReader {
  const { redis } = conn;
  let last = options.after;
  let stopped = false;
  const count = options.count ?? 1000;
  const blockMs = options.blockMs ?? 1000;

  const run = async (): Promise<void> => {
    // Where the stream ended when we started: the replay is everything up to there.
    const tail = (await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? null;
    while (!stopped && tail !== null) {
      const entries = (await redis.xrange(key, `(${last}`, tail, 'COUNT', count)) as StreamEntry[];
      if (entries.length === 0) break;
      last = (entries[entries.length - 1] as StreamEntry)[0];
      await options.onBatch(entries);
      if (last === tail) break;
    }
    if (stopped) return;
    options.onCaughtUp?.();
    while (options.follow && !stopped) {
      const reply = (await redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, last)) as [string, StreamEntry[]][] | null;
      if (stopped) return;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      last = (entries[entries.length - 1] as StreamEntry)[0];
      await options.onBatch(entries);
    }
  };

  const done = run().catch((err: unknown) => {
    // Closing the connection to stop a blocked read rejects it: that is the stop, not a failure.
    if (!stopped) throw err;
  });
  return {
    done,
    position: () => last,
    stop: () => {
      if (stopped) return;
      stopped = true;
      conn.disconnect();
    },
  };
}
