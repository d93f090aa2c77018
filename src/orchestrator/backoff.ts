/** Delay before retry number `retry` (1-based): base × 2^(retry−1), capped. 0.5 s, 1 s, 2 s, ... 8 s. */
const RETRY_BASE_MS = 500;
export const RETRY_CAP_MS = 8000;

export const retryDelayMs = (retry: number, baseMs = RETRY_BASE_MS, capMs = RETRY_CAP_MS): number =>
  Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
