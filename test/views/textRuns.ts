/**
 * Snapshots for the printer tests: JSONL event fixtures folded through the real decoder and
 * reducer, so the goldens show what a run of those events really prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import type { LifecycleEvent } from '../../src/events/codecs';
import { decodeLine, type RejectionReason } from '../../src/events/decode';
import { reduce } from '../../src/metrics/reducer';
import { createRunState } from '../../src/metrics/runState';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import type { RunSnapshot } from '../../src/metrics/snapshot';

export const GOLDEN_DIR = path.join(__dirname, '..', 'fixtures', 'golden');
const INPUTS = path.join(GOLDEN_DIR, 'inputs');

/** Folds a fixture's lines (up to `until`, epoch ms, when given) and snapshots at `now`. */
export function snapshotFromFixture(name: string, options: { feature: string; now: number; until?: number }): RunSnapshot {
  const state = createRunState(options.feature);
  for (const line of fs.readFileSync(path.join(INPUTS, name), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const decoded = decodeLine(line, { naiveTz: 'UTC' });
    if (E.isLeft(decoded)) {
      reduce(state, { kind: 'rejected', reason: decoded.left.reason });
      continue;
    }
    if (options.until !== undefined && decoded.right.ts > options.until) break;
    reduce(state, { kind: 'event', event: decoded.right });
  }
  return snapshotOf(state, options.now);
}

export const at = (hms: string): number => Date.parse(`2026-01-27T${hms}Z`);

/** The golden file's text; with UPDATE_GOLDEN=1 set, (re)writes it from `actual` first. */
export function golden(name: string, actual: string): string {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  return fs.readFileSync(file, 'utf8');
}

export type EventInit = { [K in LifecycleEvent['type']]: readonly [K, number, Extract<LifecycleEvent, { type: K }>['data']] }[LifecycleEvent['type']];

/** Folds hand-written events (`[type, ts, data]`) and snapshots at `now`. */
export function snapshotOfEvents(feature: string | null, events: readonly EventInit[], now: number, rejected: readonly RejectionReason[] = []): RunSnapshot {
  const state = createRunState(feature);
  for (const [type, ts, data] of events) reduce(state, { kind: 'event', event: { type, ts, data } as LifecycleEvent });
  for (const reason of rejected) reduce(state, { kind: 'rejected', reason });
  return snapshotOf(state, now);
}
