/**
 * Taking a state dir for a run: every file the run will write checked first (a symlink, a FIFO or
 * a device planted in place of one is refused and left untouched, DESIGN §8), a run already there
 * refused unless resumed, the directory made, and the feature's run lock taken.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { eventsPath, rejectedPath, statePath } from '../state/layout';
import { makeDirs } from '../state/makeDirs';
import { acquireRunLock, lockPath } from '../state/runLock';
import { refuseUnsafeTarget } from '../state/safeFiles';

/** A run that cannot start (an existing run without --resume, nothing to resume, a lock held). */
export class RushRefused extends Error {}

/** Takes `stateDir` for a run of `feature` and returns the release of its lock; throws `RushRefused` when it may not. */
export function claimStateDir(stateDir: string, feature: string, resume: boolean): () => void {
  refuseUnsafeFiles(stateDir, feature);
  const hasRun = fs.existsSync(statePath(stateDir, feature)) || fs.existsSync(eventsPath(stateDir, feature));
  if (!resume && hasRun) {
    throw new RushRefused(`a run of ${feature} already exists in ${stateDir}; continue it with --resume, or use another --state-dir`);
  }
  if (resume && !hasRun) throw new RushRefused(`nothing to resume: no run of ${feature} in ${stateDir}`);
  try {
    makeDirs(stateDir);
  } catch (err) {
    throw new RushRefused(`cannot create the state directory ${stateDir}: ${(err as Error).message}`);
  }
  const lock = acquireRunLock(stateDir, feature);
  if (E.isLeft(lock)) throw new RushRefused(lock.left);
  return lock.right;
}

function refuseUnsafeFiles(stateDir: string, feature: string): void {
  for (const file of [statePath(stateDir, feature), eventsPath(stateDir, feature), rejectedPath(stateDir, feature), lockPath(stateDir, feature)]) {
    try {
      refuseUnsafeTarget(file);
    } catch (err) {
      throw new RushRefused((err as Error).message);
    }
  }
}
