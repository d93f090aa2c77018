import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecentEvent, RunSnapshot } from '../../../src/metrics/snapshot';
import { openDashboard, type DashboardFrame, type OpenDashboardOptions } from '../../../src/views/dashboard';
import { complete, dashboardOptions, fakeTty, midway, T0, type FakeTty } from './helpers';

const ENTER_ALT = '\u001b[?1049h';
const LEAVE_ALT = '\u001b[?1049l';
const KEYS = { up: '\u001b[A', down: '\u001b[B', pageUp: '\u001b[5~', pageDown: '\u001b[6~', end: '\u001b[F', enter: '\r', escape: '\u001b', ctrlC: '\u0003' };

interface Running {
  readonly tty: FakeTty;
  readonly frames: DashboardFrame[];
  /** Resolves with the first frame (from now on) that satisfies `test`. */
  readonly frame: (test: (f: DashboardFrame) => boolean) => Promise<DashboardFrame>;
  readonly closed: Promise<void>;
}

function start(snapshot$: Observable<RunSnapshot>, size: readonly [number, number] = [120, 40], extra: Partial<OpenDashboardOptions> = {}): Running {
  const tty = fakeTty(size[0], size[1]);
  const frames: DashboardFrame[] = [];
  const waiters: { test: (f: DashboardFrame) => boolean; resolve: (f: DashboardFrame) => void }[] = [];
  // Frames before this index have been looked at by a `frame()` call.
  let cursor = 0;
  const closed = openDashboard({
    snapshot$,
    ...dashboardOptions(tty),
    onFrame: (f) => {
      frames.push(f);
      for (const w of [...waiters]) {
        if (w.test(f)) {
          waiters.splice(waiters.indexOf(w), 1);
          cursor = frames.length;
          w.resolve(f);
        }
      }
    },
    ...extra,
  });
  return {
    tty,
    frames,
    frame: (test) =>
      new Promise((resolve) => {
        const seen = frames.slice(cursor).findIndex(test);
        if (seen >= 0) {
          const f = frames[cursor + seen] as DashboardFrame;
          cursor += seen + 1;
          resolve(f);
        } else {
          cursor = frames.length;
          waiters.push({ test, resolve });
        }
      }),
    closed,
  };
}

const any = () => true;
const headerText = (f: DashboardFrame): string => f.text().slice(0, 4).join('\n');

const quit = suite('openDashboard: quitting');

quit('draws on the alternate screen and leaves it, terminal restored, when q is pressed', async () => {
  const d = start(new BehaviorSubject(midway()));
  const first = await d.frame(any);
  assert.match(headerText(first), /dash-demo {2}RUNNING/);
  assert.ok(d.tty.input.isRaw, 'raw mode while open');
  d.tty.press('q');
  await d.closed;
  const out = d.tty.written();
  assert.ok(out.includes(ENTER_ALT));
  assert.ok(out.lastIndexOf(LEAVE_ALT) > out.lastIndexOf(ENTER_ALT), 'alternate screen left');
  assert.not.ok(d.tty.input.isRaw, 'raw mode off');
});

quit('quits on Esc and on Ctrl-C too', async () => {
  for (const key of [KEYS.escape, KEYS.ctrlC]) {
    const d = start(new BehaviorSubject(midway()));
    await d.frame(any);
    d.tty.press(key);
    await d.closed;
    assert.ok(d.tty.written().includes(LEAVE_ALT));
  }
});

quit('closes when the signal aborts', async () => {
  const stop = new AbortController();
  const d = start(new BehaviorSubject(midway()), [120, 40], { signal: stop.signal });
  await d.frame(any);
  stop.abort();
  await d.closed;
  assert.ok(d.tty.written().includes(LEAVE_ALT));
});

quit('rejects with the error of a failed snapshot stream, after restoring the terminal', async () => {
  const s$ = new Subject<RunSnapshot>();
  const d = start(s$);
  await d.frame(any);
  s$.error(new Error('tailer broke'));
  await d.closed.then(
    () => assert.unreachable('should reject'),
    (err: Error) => assert.is(err.message, 'tailer broke'),
  );
  assert.ok(d.tty.written().includes(LEAVE_ALT));
});

const updates = suite('openDashboard: updates');

updates('shows each new snapshot, and stays on the final figures when the run completes', async () => {
  const s$ = new BehaviorSubject(midway());
  const d = start(s$);
  await d.frame((f) => f.model.header.progress === '4/8 (50%)');
  s$.next(complete());
  s$.complete();
  const last = await d.frame((f) => f.model.header.state === 'complete');
  assert.match(headerText(last), /COMPLETE[\s\S]*8\/8 \(100%\)/);
  // Still open after the stream completed: the user quits.
  let resolved = false;
  void d.closed.then(() => (resolved = true));
  d.tty.press('?');
  await d.frame((f) => f.overlay === 'help');
  assert.not.ok(resolved);
  d.tty.press('q');
  await d.closed;
});

updates('names the feature it waits for before the first snapshot', async () => {
  const d = start(new Subject<RunSnapshot>(), [120, 40], { feature: 'worker-metrics' });
  const first = await d.frame(any);
  assert.match(headerText(first), /worker-metrics {2}WAITING/);
  d.tty.press('q');
  await d.closed;
});

updates('waits for the first snapshot with an empty view', async () => {
  const s$ = new Subject<RunSnapshot>();
  const d = start(s$);
  const first = await d.frame(any);
  assert.is(first.model.header.state, 'waiting');
  s$.next(midway());
  await d.frame((f) => f.model.header.state === 'running');
  d.tty.press('q');
  await d.closed;
});

updates('p pauses updates and resumes on the latest snapshot', async () => {
  const s$ = new BehaviorSubject(midway());
  const d = start(s$);
  await d.frame(any);
  d.tty.press('p');
  const paused = await d.frame((f) => f.paused);
  assert.match(headerText(paused), /PAUSED/);
  s$.next(complete());
  // A key still draws (the help overlay) but the figures stay as they were.
  d.tty.press('?');
  const still = await d.frame((f) => f.overlay === 'help');
  assert.is(still.model.header.progress, '4/8 (50%)');
  d.tty.press('?');
  d.tty.press('p');
  const resumed = await d.frame((f) => !f.paused);
  assert.is(resumed.model.header.progress, '8/8 (100%)');
  d.tty.press('q');
  await d.closed;
});

const keys = suite('openDashboard: keys');

keys('↑/↓ select a worker, Enter shows its tasks, Esc closes them before quitting', async () => {
  const d = start(new BehaviorSubject(midway()));
  await d.frame(any);
  d.tty.press(KEYS.down);
  await d.frame((f) => f.model.workers.selectedWorker === 2);
  d.tty.press(KEYS.down);
  d.tty.press(KEYS.down);
  await d.frame((f) => f.model.workers.selectedWorker === 3);
  d.tty.press(KEYS.up);
  await d.frame((f) => f.model.workers.selectedWorker === 2);
  d.tty.press(KEYS.enter);
  const tasks = await d.frame((f) => f.overlay === 'tasks');
  assert.match(tasks.text().join('\n'), /worker 2: 2 tasks[\s\S]*L1-B[\s\S]*L2-B/);
  d.tty.press(KEYS.escape);
  const back = await d.frame((f) => f.overlay === 'none');
  assert.not.match(back.text().join('\n'), /worker 2: 2 tasks/);
  d.tty.press(KEYS.escape);
  await d.closed;
});

keys('keys in one burst each move the selection: two ↓ sent at once move two rows, then three ↑ back to the first', async () => {
  const d = start(new BehaviorSubject(midway()));
  await d.frame(any);
  d.tty.press(KEYS.down.repeat(2));
  await d.frame((f) => f.model.workers.selectedWorker === 3);
  d.tty.press(KEYS.up.repeat(3));
  const first = await d.frame((f) => f.model.workers.selectedWorker === 1);
  assert.is(first.model.workers.selectedIndex, 0);
  d.tty.press('q');
  await d.closed;
});

keys('PgUp scrolls the events log back, PgDn forward, End back to the newest', async () => {
  const s = midway();
  const filler: RecentEvent[] = Array.from({ length: 40 }, (_, i) => ({ ts: T0 + 6_900 + i, type: 'worker_ready', workerId: 2, summary: `filler ${i}`, severity: 'info' }));
  const d = start(new BehaviorSubject<RunSnapshot>({ ...s, recentEvents: [...s.recentEvents, ...filler] }));
  await d.frame(any);
  d.tty.press(KEYS.pageUp);
  const up = await d.frame((f) => f.model.logView.back > 0);
  assert.match(up.text().join('\n'), /Events \(\d+ newer below/);
  d.tty.press(KEYS.pageUp);
  const further = await d.frame((f) => f.model.logView.back > up.model.logView.back);
  d.tty.press(KEYS.pageDown);
  await d.frame((f) => f.model.logView.back === up.model.logView.back);
  assert.ok(further.model.logView.back > up.model.logView.back);
  d.tty.press(KEYS.end);
  const newest = await d.frame((f) => f.model.logView.back === 0);
  assert.match(newest.text().join('\n'), /filler 39/);
  d.tty.press('q');
  await d.closed;
});

keys('Enter on a task in a worker’s list shows its attempts and the tail of their output; Esc goes back', async () => {
  const asked: string[] = [];
  const d = start(new BehaviorSubject(midway()), [120, 40], {
    taskLogs: (taskId, attempts) => {
      asked.push(`${taskId}:${attempts.join(',')}`);
      return new Map([[1, { file: 'logs/tasks/L2-B/attempt-1.log', lines: ['compiling', 'done \u001b[31mred'] }]]);
    },
  });
  await d.frame(any);
  d.tty.press(KEYS.down);
  await d.frame((f) => f.model.workers.selectedWorker === 2);
  d.tty.press(KEYS.enter);
  await d.frame((f) => f.overlay === 'tasks');
  d.tty.press(KEYS.down);
  await d.frame((f) => f.model.workerTasks?.selected === 1);
  d.tty.press(KEYS.enter);
  const detail = await d.frame((f) => f.overlay === 'task');
  const text = detail.text().join('\n');
  assert.match(text, /Task L2-B · level 2 · complete · 1 attempt/);
  assert.match(text, /Attempt 1 · worker 2 · complete/);
  assert.match(text, /last 2 lines of logs\/tasks\/L2-B\/attempt-1\.log:/);
  assert.ok(text.includes('│ done \\x1b[31mred'), text);
  assert.ok(asked.includes('L2-B:1'), asked.join(' '));
  d.tty.press(KEYS.escape);
  const back = await d.frame((f) => f.overlay === 'tasks');
  assert.match(back.text().join('\n'), /worker 2: 2 tasks/);
  d.tty.press('q');
  await d.closed;
});

keys('? toggles the help overlay', async () => {
  const d = start(new BehaviorSubject(midway()));
  await d.frame(any);
  d.tty.press('?');
  const help = await d.frame((f) => f.overlay === 'help');
  assert.match(help.text().join('\n'), /Enter +the selected worker’s tasks/);
  d.tty.press('?');
  await d.frame((f) => f.overlay === 'none');
  d.tty.press('q');
  await d.closed;
});

const resize = suite('openDashboard: resize');

resize('re-lays out on resize and keeps every panel’s data', async () => {
  const d = start(new BehaviorSubject(complete()));
  const before = await d.frame(any);
  assert.is(before.model.layout.mode, 'full');
  d.tty.resize(80, 24);
  const compact = await d.frame((f) => f.model.layout.mode === 'compact');
  assert.is(compact.text().length, 24);
  assert.match(compact.text()[0] ?? '', /^dash-demo {2}COMPLETE/);
  d.tty.resize(30, 10);
  const small = await d.frame((f) => f.model.layout.mode === 'too-small');
  assert.match(small.text().join(' ').replace(/\s+/g, ' '), /Terminal too small \(30×10\)/);
  d.tty.resize(160, 48);
  const after = await d.frame((f) => f.model.layout.width === 160);
  const text = after.text().join('\n');
  for (const title of ['Levels (4)', 'Workers (3)', 'Task durations', 'Throughput', 'Events']) assert.ok(text.includes(title), title);
  assert.is(after.model.throughput.total, 8);
  assert.match(text, /8 tasks {2}p50 1\.7s/);
  assert.match(text, /│2│ +█+ /, 'the throughput columns are drawn again');
  d.tty.press('q');
  await d.closed;
});

const frames = suite('openDashboard: frames');

frames('renders once for an unchanged view, then again when the clock second ticks', async () => {
  const scheduler = new TestScheduler(() => undefined);
  let now = T0 + 7_000;
  const d = start(new BehaviorSubject(midway()), [120, 40], { scheduler, now: () => now, intervalMs: 200 });
  await d.frame(any);
  const advance = (ms: number) => {
    scheduler.maxFrames = scheduler.frame + ms;
    scheduler.flush();
  };
  advance(10_000); // 50 ticks, nothing changed on screen
  assert.is(d.frames.length, 1);
  // A running run's elapsed time is a clock.
  now += 1_000;
  advance(200);
  assert.is(d.frames.length, 2);
  assert.match(d.frames[1]?.text().join('\n') ?? '', /elapsed 8s/);
  d.tty.press('q');
  await d.closed;
});

frames('keeps a finished run still: its figures are frozen and its stopped workers show no growing age', async () => {
  const scheduler = new TestScheduler(() => undefined);
  let now = T0 + 20_000;
  const d = start(new BehaviorSubject(complete()), [120, 40], { scheduler, now: () => now, intervalMs: 200 });
  await d.frame(any);
  now += 3_600_000;
  scheduler.maxFrames = scheduler.frame + 1_000;
  scheduler.flush();
  assert.is(d.frames.length, 1);
  assert.match(d.frames[0]?.text().join('\n') ?? '', /stopped/);
  d.tty.press('q');
  await d.closed;
});

quit.run();
updates.run();
keys.run();
resize.run();
frames.run();
