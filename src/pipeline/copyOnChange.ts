/**
 * `batch.map(f)`, but the batch itself when `f` returns every item as it is — most batches, on
 * the way to the fold: no array copied per batch and per step for nothing. Batches are never
 * changed once sent, so handing one on is safe.
 */
export function copyOnChange<T>(batch: readonly T[], f: (item: T) => T): T[] {
  let out: T[] | null = null;
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i] as T;
    const mapped = f(item);
    if (out === null && mapped !== item) out = batch.slice(0, i);
    out?.push(mapped);
  }
  return out ?? (batch as T[]);
}
