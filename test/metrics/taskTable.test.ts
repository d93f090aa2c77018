import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TaskAcc, TaskTimes } from '../../src/metrics/taskAcc';
import { idHash, MAX_PROBE, TaskTable } from '../../src/metrics/taskTable';

/** Two different ids of the same 32-bit hash (a birthday search: found within ~100k ids). */
function collidingIds(): [string, string] {
  const seen = new Map<number, string>();
  for (let n = 0; ; n++) {
    const id = `task-${n}`;
    const other = seen.get(idHash(id));
    if (other !== undefined) return [other, id];
    seen.set(idHash(id), id);
  }
}

/** `n` ids whose hashes agree in their low `bits` bits: all would start their probe at one slot. */
function idsSharingASlot(n: number, bits: number): string[] {
  const mask = (1 << bits) - 1;
  const out: string[] = [];
  for (let k = 0; out.length < n; k++) if ((idHash(`x${k}`) & mask) === 0) out.push(`x${k}`);
  return out;
}

const Table = suite('task table');

Table('finds every task it was given, by id, over many doublings, as a Map does', () => {
  const times = new TaskTimes();
  const table = new TaskTable();
  const map = new Map<string, TaskAcc>();
  // Ids of the shapes logs use: numbered, with levels, UUID-like, non-ASCII, empty.
  const ids = ['', 'é', '任务-1'];
  for (let i = 0; i < 30_000; i++) ids.push(`L${i % 7}-T${i}`, `${(i * 2654435761) >>> 0}`.padStart(12, '0'));
  for (const id of ids) {
    const task = new TaskAcc(id, times);
    table.set(task);
    map.set(id, task);
  }
  assert.is(table.size, map.size);
  for (const [id, task] of map) assert.ok(table.get(id) === task, id);
  for (const id of ['L0-T1x', 'missing', 'L7-T0']) assert.is(table.get(id), undefined);
  assert.equal(
    [...table.values()].map((t) => t.id),
    [...map.keys()],
  );
  // Ordinary ids spread: none probes as far as the overflow.
  assert.ok(table.longestProbe < MAX_PROBE, `longest probe ${table.longestProbe}`);
});

Table('ids made to share a slot cost a bounded probe, and are all found', () => {
  // 3,000 ids starting at slot 0 of every table up to 8,192 slots (the table's size at 3,000 tasks).
  const ids = idsSharingASlot(3000, 13);
  const times = new TaskTimes();
  const table = new TaskTable();
  const tasks = ids.map((id) => new TaskAcc(id, times));
  for (const task of tasks) table.set(task);
  // All start at one slot: the probe reaches its bound, and no further.
  assert.is(table.longestProbe, MAX_PROBE);
  assert.is(table.size, ids.length);
  tasks.forEach((task) => assert.ok(table.get(task.id) === task, task.id));
  assert.is(table.get('x-missing'), undefined);
  // One that went past the probe, replaced, keeps its place in the order.
  const late = new TaskAcc(ids[2500] as string, times);
  table.set(late);
  assert.ok(table.get(late.id) === late);
  assert.is(table.size, ids.length);
  assert.equal(
    [...table.values()].map((t) => t.id),
    ids,
  );
});

Table('tells apart ids whose hashes are equal', () => {
  const [a, b] = collidingIds();
  assert.is.not(a, b);
  assert.is(idHash(a), idHash(b));
  const times = new TaskTimes();
  const table = new TaskTable();
  const first = new TaskAcc(a, times);
  table.set(first);
  assert.is(table.get(b), undefined);
  const second = new TaskAcc(b, times);
  table.set(second);
  assert.ok(table.get(a) === first);
  assert.ok(table.get(b) === second);
  assert.is(table.size, 2);
});

Table('set with an id it holds replaces that task in its place', () => {
  const times = new TaskTimes();
  const table = new TaskTable();
  for (const id of ['A', 'B', 'C']) table.set(new TaskAcc(id, times));
  const b = new TaskAcc('B', times);
  table.set(b);
  assert.is(table.size, 3);
  assert.ok(table.get('B') === b);
  assert.equal(
    [...table.values()].map((t) => t.id),
    ['A', 'B', 'C'],
  );
});

const Times = suite('task times');

Times('each task keeps its own times, unknown until written, across blocks of rows', () => {
  const times = new TaskTimes();
  const tasks = Array.from({ length: 2500 }, (_, i) => new TaskAcc(`T${i}`, times));
  assert.is(tasks[2400]?.claimedAt, null);
  tasks.forEach((t, i) => {
    t.createdAt = i;
    t.completedAt = 1_780_000_000_000 + i;
  });
  tasks.forEach((t, i) => {
    assert.is(t.createdAt, i);
    assert.is(t.completedAt, 1_780_000_000_000 + i);
    assert.is(t.startedAt, null);
  });
  tasks[5]!.startedAt = 7;
  tasks[5]!.startedAt = null;
  assert.is(tasks[5]!.startedAt, null);
  assert.is(tasks[6]!.startedAt, null);
});

Times('fields() and restore() carry every field, times included', () => {
  const times = new TaskTimes();
  const task = new TaskAcc('A', times);
  Object.assign(task, { level: 2, status: 'failed', workerId: 3, durationMs: null, verificationMs: 40, attempts: 2, error: 'exit 1', running: false, lastOutcome: 'failed' });
  task.createdAt = 1;
  task.firstClaimedAt = 2;
  task.claimedAt = 3;
  task.startedAt = 4;
  task.failedAt = 5;
  const fields = task.fields();
  assert.equal(fields, {
    id: 'A',
    level: 2,
    status: 'failed',
    workerId: 3,
    createdAt: 1,
    firstClaimedAt: 2,
    claimedAt: 3,
    startedAt: 4,
    completedAt: null,
    failedAt: 5,
    durationMs: null,
    verificationMs: 40,
    attempts: 2,
    error: 'exit 1',
    running: false,
    lastOutcome: 'failed',
  });
  assert.equal(TaskAcc.restore(fields, new TaskTimes()).fields(), fields);
});

Table.run();
Times.run();
