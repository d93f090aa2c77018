/**
 * "Something may have happened to this file": the wake-up signal of the readers that follow a
 * file (the events tailer, the state-file source).
 *
 * We watch the DIRECTORY, not the file: an atomic write replaces the file by a rename and log
 * rotation moves it away, and either detaches a watch placed on the file itself. `fs.watch` is
 * also best-effort (network filesystems, inotify limits, platforms that give no file name), so a
 * poll timer backs it up: whatever the watcher misses, the next tick catches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Observable } from 'rxjs';

export interface FileChangesOptions {
  /** Poll fallback period (ms). */
  readonly pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 500;

/**
 * Emits when the directory watcher reports an event for `file` (or an event with no file name)
 * and on every poll tick. Never errors: a directory that cannot be watched (missing, unsupported)
 * leaves the poll alone, and the watch is retried on each tick until it can be placed.
 */
export function fileChanges(file: string, options: FileChangesOptions = {}): Observable<void> {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  return new Observable<void>((subscriber) => {
    let watcher: fs.FSWatcher | null = null;
    const placeWatch = (): void => {
      if (watcher !== null) return;
      try {
        watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || name === base) subscriber.next();
        });
        watcher.on('error', () => {
          // The directory went away or the watch broke: poll until it can be placed again.
          watcher?.close();
          watcher = null;
        });
      } catch {
        watcher = null;
      }
    };
    placeWatch();
    const timer = setInterval(() => {
      placeWatch();
      subscriber.next();
    }, pollIntervalMs);
    return () => {
      clearInterval(timer);
      watcher?.close();
      watcher = null;
    };
  });
}
