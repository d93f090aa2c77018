/**
 * The state-file source: for an orchestrator that writes only `{feature}.json` (upstream Python),
 * each changed snapshot of the file is turned into the lifecycle events it implies
 * (`eventsFromState`: a task gaining `claimed_at` → `task_claimed`, ...), and only the events not
 * sent before are emitted. Read-only: the file is never written, renamed or locked.
 *
 * The file is replaced by rename on every save, so the directory is watched (plus a poll); a
 * snapshot that does not parse (a writer that is not atomic, caught mid-write) is skipped and the
 * next change is awaited.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { EMPTY, filter, map, merge, mergeMap, Observable, of, takeUntil } from 'rxjs';
import type { LifecycleEvent } from '../events/codecs';
import { eventsFromState, type StateEventsOptions } from '../state/stateEvents';
import * as path from 'node:path';
import type { StateFile } from '../state/codecs';
import { readStateFile } from '../state/stateManager';
import { fileChanges } from './fileChanges';
import { HeartbeatFiles } from './heartbeatFiles';

export type StateSnapshotItem =
  | { readonly kind: 'event'; readonly event: LifecycleEvent }
  /** A snapshot was read and its new events sent (the first one marks the end of the replay). */
  | { readonly kind: 'caught_up' }
  /** The file is there but is not a state file (yet): skipped until it changes. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  /** A value in it no run can hold (a stamp past 9999): counted as `out_of_range`, once. */
  | { readonly kind: 'out_of_range'; readonly detail: string };

export interface StateSnapshotsOptions extends StateEventsOptions {
  /** Keep watching for new snapshots (true) or read the file once and complete (false). Default true. */
  readonly follow?: boolean;
  readonly pollIntervalMs?: number;
  /** Completes the stream when it emits. */
  readonly stop?: Observable<unknown>;
  /**
   * The file as the caller has just read it (a one-shot read, `loadRun`): the first read takes it
   * instead of reading and decoding the file again.
   */
  readonly firstRead?: StateFile;
}

/** Same type, time and payload: the same fact about the run, seen again in a later snapshot. */
const factKey = (e: LifecycleEvent): string => `${e.type}|${e.ts}|${JSON.stringify(e.data)}`;

/** What tells us the file changed without reading it. */
const versionOf = (st: fs.Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}`;

/**
 * Remembers which facts were sent and which file version was read; `read()` returns the items of
 * the current file version that are new (nothing when the file did not change).
 */
export class StateFileDiffer {
  /** The facts sent, when a later snapshot is to be read (null for a reader that reads once). */
  private readonly sent: Set<string> | null;
  private version: string | null = null;
  private announced = false;
  /** Out-of-range values reported so far: a later snapshot reports only new ones. */
  private outOfRange = 0;
  /** Upstream workers' heartbeat files beside the state file: they change without it. */
  private readonly heartbeats: HeartbeatFiles;

  constructor(
    private readonly file: string,
    private readonly options: StateEventsOptions = {},
    private firstRead: StateFile | undefined = undefined,
    /**
     * Whether later snapshots will be read (default true). A reader that reads once keeps no record
     * of the facts sent: on a large file that record costs more than the rest of the read.
     */
    readsAgain = true,
  ) {
    this.sent = readsAgain ? new Set<string>() : null;
    this.heartbeats = new HeartbeatFiles(path.dirname(file), options);
  }

  read(): StateSnapshotItem[] {
    const items = this.readState();
    for (const event of this.heartbeats.read()) items.push({ kind: 'event', event });
    return this.caughtUp(items);
  }

  private readState(): StateSnapshotItem[] {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      return [];
    }
    const version = versionOf(st);
    if (version === this.version) return [];
    const read = this.firstRead !== undefined ? E.right(this.firstRead) : readStateFile(this.file);
    this.firstRead = undefined;
    // Reported once per file version: a file that stays broken is not re-reported at every poll.
    this.version = version;
    if (E.isLeft(read)) return [{ kind: 'unreadable', reason: read.left.reason }];
    if (read.right === null) return [];
    const items: StateSnapshotItem[] = [];
    const derived = eventsFromState(read.right, this.options);
    for (; this.outOfRange < derived.outOfRange; this.outOfRange += 1) items.push({ kind: 'out_of_range', detail: 'a timestamp past the year 9999' });
    const sent = this.sent;
    for (const event of derived.events) {
      if (sent !== null) {
        const key = factKey(event);
        if (sent.has(key)) continue;
        sent.add(key);
      }
      items.push({ kind: 'event', event });
    }
    return items;
  }

  /** `caught_up` after the first read, and after each read that brought something. */
  private caughtUp(items: StateSnapshotItem[]): StateSnapshotItem[] {
    if (items.length === 0 && this.announced) return items;
    this.announced = true;
    items.push({ kind: 'caught_up' });
    return items;
  }
}

/** The items of a state file's snapshots, one at a time (see `stateSnapshotBatches`). */
export function stateSnapshots(file: string, options: StateSnapshotsOptions = {}): Observable<StateSnapshotItem> {
  return stateSnapshotBatches(file, options).pipe(mergeMap((batch) => batch));
}

/** The items of each read of the state file, as one batch (a first read of a big state is thousands). */
export function stateSnapshotBatches(file: string, options: StateSnapshotsOptions = {}): Observable<readonly StateSnapshotItem[]> {
  const { follow = true, pollIntervalMs, stop, firstRead, ...eventOptions } = options;
  return new Observable<readonly StateSnapshotItem[]>((subscriber) => {
    const differ = new StateFileDiffer(file, eventOptions, firstRead, follow);
    const changes$ = follow ? fileChanges(file, pollIntervalMs === undefined ? {} : { pollIntervalMs }) : EMPTY;
    // Reads are synchronous, so a change notice never interleaves with a read in progress.
    return merge(of(undefined), changes$)
      .pipe(
        map(() => differ.read()),
        filter((items) => items.length > 0),
        stop ? takeUntil(stop) : (s) => s,
      )
      .subscribe(subscriber);
  });
}
