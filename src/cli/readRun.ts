/**
 * A feature's run read once, without writing anything: from its state dir (state file and events
 * log) or from a broker's events stream. What it cannot read is a `RuntimeError` (exit 1, one
 * line); a `--naive-tz` that names no zone is a `UsageError` (exit 2), said before anything is read.
 */
import * as E from 'fp-ts/Either';
import type { BrokerUrl } from '../broker/url';
import { isValidZone } from '../events/timestamp';
import { loadBrokerRun } from '../pipeline/loadBrokerRun';
import { loadRun, type LoadedRun } from '../pipeline/loadRun';
import { RuntimeError, UsageError } from './exit';

export async function readRun(feature: string, stateDir: string, naiveTz: string | undefined, now: number, broker?: BrokerUrl, stallAfterMs?: number): Promise<LoadedRun> {
  const loaded = broker
    ? await loadBrokerRun({ url: broker, feature, naiveTz, now })
    : await loadRun({ feature, stateDir, naiveTz, now, ...(stallAfterMs !== undefined ? { stallAfterMs } : {}) });
  if (E.isLeft(loaded)) throw new RuntimeError(loaded.left.message);
  return loaded.right;
}

export function checkNaiveTz(naiveTz: string | undefined): void {
  if (naiveTz !== undefined && !isValidZone(naiveTz)) {
    throw new UsageError(`--naive-tz: unknown time zone ${JSON.stringify(naiveTz)} (use an IANA name like Europe/Berlin, UTC, or an offset like +02:00)`);
  }
}
