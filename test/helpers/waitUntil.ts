/**
 * Waiting for a condition that another process brings about (a file appears, a log grows): checked
 * every few milliseconds until it holds. The time limit is only a guard against a hang, generous
 * enough for a machine under heavy load: a test passes or fails on the condition, never on the clock.
 */
export const HANG_GUARD_MS = 60_000;

type Found<T> = T | null | undefined | false;

/** Resolves with the first truthy value of `check`; rejects, naming `what`, after the hang guard. */
export async function waitUntil<T>(what: string, check: () => Found<T> | Promise<Found<T>>, options: { everyMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + HANG_GUARD_MS;
  for (;;) {
    const found = await check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} (a hang?)`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 25));
  }
}
