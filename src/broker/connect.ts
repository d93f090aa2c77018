/**
 * A connection to the broker: ioredis, reconnecting with capped exponential backoff, commands held
 * while disconnected and re-sent after a reconnect (so a Redis restart is a pause, not an error).
 * Callers that must know about a connection loss (the publisher re-sends what may not have been
 * made durable) watch `epoch`, which moves at each loss.
 */
import { Redis } from 'ioredis';
import type { BrokerUrl } from './url';

export interface BrokerConnection {
  readonly redis: Redis;
  /** Bumped each time the connection is lost. */
  readonly epoch: () => number;
  /** Closes the connection (pending commands are sent first when connected). */
  close(): Promise<void>;
  /** Drops the connection at once (a blocked read is abandoned). */
  disconnect(): void;
}

export interface ConnectOptions {
  /** Told once per connection loss and per recovery. */
  readonly onStatus?: (message: string) => void;
  /** Longest pause between reconnection attempts (ms). */
  readonly maxBackoffMs?: number;
}

/** Delay before reconnection attempt n (1-based): 50 ms doubling, capped. */
export const reconnectDelayMs = (attempt: number, capMs = 2000): number => Math.min(capMs, 50 * 2 ** Math.min(attempt - 1, 16));

/**
 * Resolves once the broker answers. Rejects, with a message for people, when the first connection
 * fails (refused, unknown host) or nothing answers within `timeoutMs`: at start a broker that is
 * not there is a mistake to report, not a restart to wait out.
 */
export async function reachable(conn: BrokerConnection, url: BrokerUrl, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((err: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach the broker ${url.text} (no answer within ${Math.round(timeoutMs / 1000)}s)`)), timeoutMs);
    onError = (err) => reject(new Error(`cannot reach the broker ${url.text}: ${err.message}`));
    conn.redis.once('error', onError);
  });
  try {
    await Promise.race([conn.redis.ping(), failed]);
  } finally {
    clearTimeout(timer);
    if (onError) conn.redis.off('error', onError);
  }
}

export function connectBroker(url: BrokerUrl, options: ConnectOptions = {}): BrokerConnection {
  let epoch = 0;
  let lost = false;
  let closing = false;
  const redis = new Redis({
    host: url.host,
    port: url.port,
    db: url.db,
    lazyConnect: false,
    // Wait for the server however long it takes (the caller decides when to give up).
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, options.maxBackoffMs),
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: true,
    connectionName: `mahabharatha-${process.pid}`,
  });
  redis.on('error', () => {
    // Each failed attempt emits one; the status line below says it once.
  });
  redis.on('close', () => {
    if (lost || closing) return;
    lost = true;
    epoch += 1;
    options.onStatus?.(`lost the connection to the broker ${url.text}; reconnecting`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    options.onStatus?.(`reconnected to the broker ${url.text}`);
  });
  return {
    redis,
    epoch: () => epoch,
    close: async () => {
      closing = true;
      if (redis.status === 'end') return;
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
    disconnect: () => {
      closing = true;
      redis.disconnect();
    },
  };
}
