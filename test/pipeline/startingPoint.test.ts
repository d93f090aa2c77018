import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeSources } from '../../src/pipeline/processorOptions';
import { nothingToRead, runStates, startingPoint, startInputs } from '../../src/pipeline/startingPoint';
import { eventsPath, statePath } from '../../src/state/layout';
import { replayLog } from '../helpers/processorRuns';
import { generateRun, toJsonl } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';
import { withTempDir } from '../helpers/tempDir';

const FEATURE = 'f';
const NOW = Date.UTC(2026, 1, 1);
const logOnly = normalizeSources({ eventsLog: { follow: false } });

/** A state dir whose log has been folded and whose state file holds the checkpoint of it. */
async function foldedDir(dir: string): Promise<number> {
  fs.writeFileSync(eventsPath(dir, FEATURE), toJsonl(generateRun(mulberry32(4), { workers: 2, tasksPerLevel: [2, 1], producer: 'p', feature: FEATURE })));
  await replayLog(dir, { feature: FEATURE, now: NOW });
  return fs.statSync(eventsPath(dir, FEATURE)).size;
}

const collect = (): { warn: (m: string) => void; said: string[] } => {
  const said: string[] = [];
  return { warn: (m) => said.push(m), said };
};

const Start = suite('startingPoint');

Start('restores the stored checkpoint: the fold goes on after the offset it stands at', () =>
  withTempDir(async (dir) => {
    const size = await foldedDir(dir);
    const start = startingPoint({ feature: FEATURE, stateDir: dir }, logOnly, collect());
    assert.is(start.mode, 'log');
    assert.is(start.restored?.eventsOffset, size);
    assert.is(start.recovered, false);
    assert.equal(startInputs(start), []);
  }),
);

Start('replay: true starts from nothing, whatever the state file holds', () =>
  withTempDir(async (dir) => {
    await foldedDir(dir);
    const start = startingPoint({ feature: FEATURE, stateDir: dir, replay: true }, logOnly, collect());
    assert.is(start.checkpoint, null);
    assert.is(start.restored, null);
  }),
);

Start('a corrupt state file owned by this processor is set aside and the run rebuilt: one recovery to count', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(statePath(dir, FEATURE), '{"feature": ');
    const warner = collect();
    const start = startingPoint({ feature: FEATURE, stateDir: dir, persist: true, now: () => NOW }, logOnly, warner);
    assert.is(start.recovered, true);
    assert.is(start.restored, null);
    assert.ok(start.manager !== null);
    assert.equal(startInputs(start), [[{ kind: 'count', counter: 'stateRecoveries' }]]);
    assert.match(warner.said.join('\n'), /rebuilding it from the events log/);
  }),
);

Start('a reader of an unreadable state file reads the log from its start, and says so', () =>
  withTempDir(async (dir) => {
    fs.writeFileSync(statePath(dir, FEATURE), 'not json');
    const warner = collect();
    const start = startingPoint({ feature: FEATURE, stateDir: dir }, logOnly, warner);
    assert.is(start.restored, null);
    assert.is(start.manager, null);
    assert.match(warner.said.join('\n'), /is unreadable .*reading the events log from its start/);
  }),
);

Start('each subscription gets an accumulator of its own: the restored one first, then a fresh restore', () =>
  withTempDir(async (dir) => {
    await foldedDir(dir);
    const start = startingPoint({ feature: FEATURE, stateDir: dir }, logOnly, collect());
    const next = runStates(start, FEATURE);
    const first = next();
    const second = next();
    assert.is(first, start.restored);
    assert.is.not(second, first);
    assert.is(second.eventsOffset, first.eventsOffset);
  }),
);

Start.run();

const Nothing = suite('nothingToRead');

Nothing('a reader says what is missing: the state dir, or the feature (with those found)', () =>
  withTempDir(async (dir) => {
    assert.match(nothingToRead({ feature: FEATURE, stateDir: path.join(dir, 'nope') }, logOnly) ?? '', /nope/);
    fs.writeFileSync(eventsPath(dir, 'other'), '');
    const message = nothingToRead({ feature: FEATURE, stateDir: dir }, logOnly) ?? '';
    assert.match(message, /other/);
    fs.writeFileSync(eventsPath(dir, FEATURE), '');
    assert.is(nothingToRead({ feature: FEATURE, stateDir: dir }, logOnly), null);
  }),
);

Nothing('a processor that writes, or is fed in process, or reads a broker, starts the run itself', () => {
  const missing = '/nonexistent/state/dir';
  assert.is(nothingToRead({ feature: FEATURE, stateDir: missing, persist: true }, logOnly), null);
  assert.is(nothingToRead({ feature: FEATURE, stateDir: missing }, normalizeSources({ broker: { url: 'redis://127.0.0.1:1' } })), null);
});

Nothing.run();
