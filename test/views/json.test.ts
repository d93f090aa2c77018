import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { reduce } from '../../src/metrics/reducer';
import { createRunState } from '../../src/metrics/runState';
import { snapshotOf } from '../../src/metrics/snapshotOf';
import { renderStatusJson, statusJson, statusJsonWriter } from '../../src/views/json';
import { UnknownLevelError } from '../../src/views/statusModel';
import { DEFAULT_START, generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const Writer = suite('statusJsonWriter');

const NOW = DEFAULT_START + 86_400_000;

/** A finished run of `tasks` tasks over two levels, a few of them failed once; a bidi override in an error. */
function snapshotOfRun(tasks: number) {
  let run = createRunState('json');
  const events = generateRun(mulberry32(7), { workers: 4, tasksPerLevel: [Math.ceil(tasks / 2), Math.floor(tasks / 2)], failRate: 0.05, maxRetries: 5, feature: 'json', producer: 'p' });
  for (const event of events) {
    const e = event.type === 'task_failed' ? { ...event, data: { ...event.data, error: 'disk \u202e full\u0085' } } : event;
    run = reduce(run, { kind: 'event', event: e });
  }
  return snapshotOf(run, NOW);
}

Writer('prints in pieces the text of the whole document: JSON.stringify with two spaces, made printable, and a newline', () => {
  for (const tasks of [0, 1, 2000, 4101]) {
    const snapshot = snapshotOfRun(tasks);
    const pieces: string[] = [];
    statusJsonWriter(snapshot, { feature: 'json', now: NOW })((text) => pieces.push(text));
    const whole = `${JSON.stringify(statusJson(snapshot, { feature: 'json', now: NOW }), null, 2)}\n`.replace(/[\u0085\u202e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.is(pieces.join(''), whole, `${tasks} tasks`);
    assert.is(renderStatusJson(snapshot, { feature: 'json', now: NOW }), whole);
    if (tasks > 2000) assert.ok(pieces.length > 4, `${tasks} tasks come in several pieces`);
    assert.is((JSON.parse(pieces.join('')) as { tasks: unknown[] }).tasks.length, tasks);
  }
});

Writer('a level the run does not have is an error before anything is printed', () => {
  const snapshot = snapshotOfRun(10);
  assert.throws(() => statusJsonWriter(snapshot, { feature: 'json', now: NOW, level: 9 }), (err: unknown) => err instanceof UnknownLevelError);
});

Writer.run();
