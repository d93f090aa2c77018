/**
 * Crash safety (DESIGN §3): a persisting processor in a child process, replaying a long log, is
 * SIGKILLed at named crash points of its state-file writes (before the rename, after it) and
 * restarted each time from what it saved. After every kill the state file parses and holds the
 * save that landed last, progress is never lost, a temp file left by a kill is gone once the next
 * life starts, and the final `metrics` equal those of a run that never stopped.
 *
 * The child runs the built package (`dist/`; `npm test` builds it first).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listTemps } from '../../src/state/atomicWrite';
import { eventsPath, statePath } from '../../src/state/layout';
import type { PausePoint } from '../../src/state/pausePoint';
import { killAt } from '../helpers/crashPoint';
import { savedState } from '../helpers/processorRuns';
import { consecutiveRuns, toJsonl } from '../helpers/runGenerator';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'crash';
const NOW = Date.UTC(2026, 5, 1);
/** About 12 MB of log (the processor reads 256 kB at a time): long enough that each killed life
 * reaches its second save before the end, however fast the read is against the write's fsync. */
const EVENTS = 90_000;
/** Killed lives save after (about) every read of the log, so that each saves at least twice. */
const LIFE_PERSIST_INTERVAL_MS = 1;
/** Lives run to the end save now and then, and on close. */
const LAST_PERSIST_INTERVAL_MS = 1000;
const CHILD = path.join(__dirname, '..', 'fixtures', 'pipeline', 'processorChild.js');
const DIST = path.join(__dirname, '..', '..', 'dist', 'index.js');
const childArgs = (stateDir: string, persistIntervalMs: number): string[] => [CHILD, stateDir, FEATURE, String(NOW), String(persistIntervalMs)];

/** Consecutive runs of 450 tasks, some retried. */
const longLog = (): string => toJsonl([...consecutiveRuns(EVENTS, 1, { workers: 6, tasksPerLevel: [150, 150, 150], failRate: 0.2, maxRetries: 12, verifyRate: 1 })]);

/** Runs the child to its end (it must exit 0). */
const runToEnd = (stateDir: string): Promise<unknown> => promisify(execFile)(process.execPath, childArgs(stateDir, LAST_PERSIST_INTERVAL_MS));

/** The log offset the state file's checkpoint stands at, or null without a state file. */
function savedOffset(stateDir: string): number | null {
  if (!fs.existsSync(statePath(stateDir, FEATURE))) return null;
  return (savedState(stateDir, FEATURE).metrics as { source: { events_offset: number } }).source.events_offset;
}

/**
 * The lives, in order, each killed at the n-th time it reaches a point. A fresh start's first save
 * holds no event yet; a restored life saves only once it has read more of the log.
 */
const LIVES: ReadonlyArray<readonly [PausePoint, number]> = [
  ['before-rename', 1], // the very first save never lands: no state file, one temp file
  ['after-rename', 1], // the first save lands: the checkpoint stands at 0
  ['after-rename', 1], // a restored life's first save: progress
  ['before-rename', 1], // cut short: the checkpoint stays where it was
  ['after-rename', 2], // two saves land
  ['before-rename', 2], // the first save lands, the second is cut short
  ['after-rename', 1],
];

const Crash = suite('createMetricsProcessor (SIGKILL at crash points, and restart)');

Crash(`${LIVES.length} kills at the state file's crash points: the state always parses, progress is kept, and the final metrics equal an uninterrupted run`, () =>
  withTempDir(async (dir) => {
    assert.ok(fs.existsSync(DIST), 'dist/ is built (npm test builds it)');
    const log = longLog();
    const straight = path.join(dir, 'straight');
    const killed = path.join(dir, 'killed');
    for (const d of [straight, killed]) {
      fs.mkdirSync(d);
      fs.writeFileSync(eventsPath(d, FEATURE), log);
    }
    await runToEnd(straight);
    const expected = savedState(straight, FEATURE).metrics;

    let offset: number | null = null;
    for (const [i, [point, nth]] of LIVES.entries()) {
      const life = `life ${i + 1} (${point}@${nth})`;
      await killAt(childArgs(killed, LIFE_PERSIST_INTERVAL_MS), { point, nth });
      const now = savedOffset(killed);
      const temps = listTemps(killed, `${FEATURE}.json`);
      if (point === 'before-rename') {
        assert.is(temps.length, 1, `${life}: the save cut short left its temp file`);
        // The checkpoint is the one saved before: by an earlier life (n = 1), or by this one (n = 2).
        if (nth === 1) assert.is(now, offset, `${life}: the checkpoint did not move`);
      } else {
        assert.equal(temps, [], `${life}: no temp file (the one an earlier kill left was removed at start)`);
        assert.ok(now !== null, `${life}: a state file`);
      }
      if (offset !== null) assert.ok(now !== null && now >= offset, `${life}: progress is never lost (${offset} → ${now})`);
      if (point === 'after-rename' && offset !== null) assert.ok((now as number) > offset, `${life}: the life saved progress (${offset} → ${now})`);
      if (point === 'before-rename' && nth === 2) assert.ok(offset === null || (now as number) > offset, `${life}: its first save landed`);
      offset = now;
    }
    assert.ok(offset !== null && offset < Buffer.byteLength(log), 'the kills all came before the end of the log');
    await runToEnd(killed);
    assert.equal(listTemps(killed, `${FEATURE}.json`), []);
    assert.equal(savedState(killed, FEATURE).metrics, expected);
  }),
);

Crash.run();
