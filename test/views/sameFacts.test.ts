/**
 * One run, one set of facts (DESIGN §4.5): the text report, `--json` and the dashboard give the
 * same size, progress, ETA (or none) and level phases, read back from what each one prints.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunSnapshot } from '../../src/metrics/snapshot';
import type { TaskGraph } from '../../src/graph/taskGraph';
import { dashboardModel } from '../../src/views/dashboard/viewModel';
import { statusJson } from '../../src/views/json';
import { statusModel } from '../../src/views/statusModel';
import { renderStatus } from '../../src/views/text';
import { fixtureInputs, fold, T0 } from './dashboard/helpers';
import { golden } from './textRuns';

const NOW = T0 + 7_000;

/** What a reader takes from a view: the run's size, progress, ETA (whole seconds, rounded up) and level phases. */
interface Read {
  readonly size: number | 'unknown';
  readonly percent: number | null;
  readonly eta: number | null;
  readonly levels: string;
}

const show = (r: Read): string => `size ${r.size} · progress ${r.percent ?? '-'}% · eta ${r.eta === null ? 'none' : `${r.eta}s`} · levels ${r.levels}`;

const seconds = (text: string): number => {
  // formatDuration's forms: 750ms, 5.3s, 1m28s, 1h30m.
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:([\d.]+)s)?(?:(\d+)ms)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const ms = Number(m[1] ?? 0) * 3_600_000 + Number(m[2] ?? 0) * 60_000 + Number(m[3] ?? 0) * 1000 + Number(m[4] ?? 0);
  return Math.ceil(ms / 1000);
};

const TEXT_PHASE: Record<string, string> = { '✓ DONE': 'done', RUNNING: 'running', PENDING: 'pending', '✗ FAILED': 'failed', '■ STOPPED': 'stopped' };
const DASH_PHASE: Record<string, string> = { complete: 'done', running: 'running', pending: 'pending', failed: 'failed', stopped: 'stopped' };

function readText(snapshot: RunSnapshot, graph: TaskGraph | null): Read {
  const out = renderStatus(statusModel(snapshot, { now: NOW, graph }), { color: false, timeZone: 'UTC' });
  const known = /^Progress: \S+ (\d+)% \((\d+)\/(\d+) tasks/m.exec(out);
  const eta = /ETA ~(\S+) \(estimate\)/.exec(out);
  const levels = [...out.matchAll(/^ {2}Level (\d+): (✓ DONE|RUNNING|PENDING|✗ FAILED|■ STOPPED)/gm)].map((m) => `${m[1]}:${TEXT_PHASE[m[2] ?? '']}`);
  if (!known) assert.match(out, /\(total unknown\)/);
  return { size: known ? Number(known[3]) : 'unknown', percent: known ? Number(known[1]) : null, eta: eta?.[1] ? seconds(eta[1]) : null, levels: levels.join(' ') };
}

function readJson(snapshot: RunSnapshot, graph: TaskGraph | null): Read {
  const doc = JSON.parse(JSON.stringify(statusJson(snapshot, { feature: 'dash-demo', graph, now: NOW }))) as {
    run: { size_known: boolean; tasks_total: number | null; progress: number | null; eta_ms: number | null; status: string; levels: { level: number; phase: string }[] };
    metrics: { eta_ms: number | null };
  };
  const { run } = doc;
  assert.is(doc.metrics.eta_ms, run.status === 'running' ? run.eta_ms : doc.metrics.eta_ms, 'metrics.eta_ms is the run facts’ estimate');
  return {
    size: run.size_known && run.tasks_total !== null ? run.tasks_total : 'unknown',
    percent: run.progress === null ? null : Math.round(run.progress * 100),
    eta: run.status === 'running' && run.eta_ms !== null ? Math.ceil(Math.max(1000, run.eta_ms) / 1000) : null,
    levels: run.levels.map((l) => `${l.level}:${l.phase}`).join(' '),
  };
}

function readDashboard(snapshot: RunSnapshot, graph: TaskGraph | null): Read {
  const m = dashboardModel(snapshot, { now: NOW, stallAfterMs: 120_000, selectedWorker: null, paused: false, width: 160, height: 48, timeZone: 'UTC', graph });
  const progress = /^(\d+)\/(\d+|\?)(?: \((\d+)%\))?$/.exec(m.header.progress);
  const eta = /^~(\S+) \(est\.\)$/.exec(m.header.eta ?? '');
  return {
    size: progress?.[2] === undefined || progress[2] === '?' ? 'unknown' : Number(progress[2]),
    percent: progress?.[3] === undefined ? null : Number(progress[3]),
    eta: eta?.[1] ? seconds(eta[1]) : null,
    levels: m.levels.rows.map((r) => `${r.level}:${DASH_PHASE[r.status]}`).join(' '),
  };
}

const withoutStart = () => fixtureInputs('run-midway.jsonl').filter((i) => i.kind !== 'event' || i.event.type !== 'rush_started');
const graphOf = (snapshot: RunSnapshot): TaskGraph => ({
  feature: 'dash-demo',
  tasks: [...snapshot.tasks.map((t) => ({ id: t.taskId, level: t.level ?? 1 })), { id: 'X-1', level: 5 }, { id: 'X-2', level: 5 }],
});

const SCENARIOS: readonly (readonly [string, () => { snapshot: RunSnapshot; graph: TaskGraph | null }])[] = [
  ['a declared total', () => ({ snapshot: fold(fixtureInputs('run-midway.jsonl'), NOW), graph: null })],
  ['a task graph', () => {
    const snapshot = fold(withoutStart(), NOW);
    return { snapshot, graph: graphOf(snapshot) };
  }],
  ['neither', () => ({ snapshot: fold(withoutStart(), NOW), graph: null })],
  ['a stopped run', () => ({
    snapshot: fold([...fixtureInputs('run-midway.jsonl'), { kind: 'event', event: { type: 'rush_stopped', ts: T0 + 6_900, data: {} } }], NOW),
    graph: null,
  })],
];

const same = suite('the same facts in text, --json and the dashboard');

same('for a declared total, a task graph, neither, and a stopped run', () => {
  const lines: string[] = [];
  for (const [name, make] of SCENARIOS) {
    const { snapshot, graph } = make();
    const text = show(readText(snapshot, graph));
    assert.is(show(readJson(snapshot, graph)), text, `${name}: --json says what text says`);
    assert.is(show(readDashboard(snapshot, graph)), text, `${name}: the dashboard says what text says`);
    lines.push(`${name}: ${text}`);
  }
  const actual = `${lines.join('\n')}\n`;
  assert.fixture(actual, golden('same-facts.txt', actual));
});

same.run();
