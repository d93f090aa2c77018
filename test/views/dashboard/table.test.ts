import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTable, fitColumns, scrollWindow, tableLines, type ColumnSpec } from '../../../src/views/dashboard/table';

const SPECS: readonly ColumnSpec[] = [
  { key: 'id', header: 'ID', width: 3, priority: 0, align: 'right' },
  { key: 'name', header: 'NAME', width: 6, priority: 0, maxWidth: 10 },
  { key: 'extra', header: 'EXTRA', width: 5, priority: 2 },
  { key: 'count', header: 'N', width: 4, priority: 1, align: 'right' },
];

const fit = suite('fitColumns');

fit('keeps every column in declared order when they fit, growing the flexible one', () => {
  const cols = fitColumns(SPECS, 30);
  assert.equal(cols.map((c) => c.key), ['id', 'name', 'extra', 'count']);
  // 3+6+5+4 + 3 gaps = 21; 9 spare, the name grows by 4 to its maximum.
  assert.equal(cols.map((c) => c.width), [3, 10, 5, 4]);
});

fit('drops the highest priority number first when short of room', () => {
  assert.equal(fitColumns(SPECS, 16).map((c) => c.key), ['id', 'name', 'count']);
  assert.equal(fitColumns(SPECS, 10).map((c) => c.key), ['id', 'name']);
  // Priority 0 columns stay even when they do not fit.
  assert.equal(fitColumns(SPECS, 4).map((c) => c.key), ['id', 'name']);
});

const scroll = suite('scrollWindow');

scroll('shows everything when it fits', () => {
  assert.equal(scrollWindow(5, 10, 4), { offset: 0, count: 5 });
});

scroll('centres the focused row, clamped to the ends', () => {
  assert.equal(scrollWindow(100, 10, 50), { offset: 45, count: 10 });
  assert.equal(scrollWindow(100, 10, 2), { offset: 0, count: 10 });
  assert.equal(scrollWindow(100, 10, 99), { offset: 90, count: 10 });
  assert.equal(scrollWindow(100, 10, null), { offset: 0, count: 10 });
});

const build = suite('buildTable');

build('keeps the header line and as many rows as the height allows', () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  const t = buildTable(SPECS, items, {
    width: 30,
    height: 6,
    focus: 15,
    selected: 15,
    cellsOf: (i) => ({ id: { text: String(i) }, name: { text: `n${i}` }, count: { text: String(i * 2) } }),
  });
  assert.is(t.rows.length, 5);
  assert.is(t.total, 20);
  assert.is(t.offset, 13);
  assert.equal(t.rows.map((r) => r.selected), [false, false, true, false, false]);
  // A cell the row does not give is blank.
  assert.is(t.rows[0]?.cells[2]?.text, '');
});

const lines = suite('tableLines');

lines('aligns cells to their columns and cuts long text with an ellipsis', () => {
  const t = buildTable(SPECS, [{ id: 7, name: 'a-very-long-name' }], {
    width: 21,
    height: 5,
    focus: null,
    selected: null,
    cellsOf: (r) => ({ id: { text: String(r.id) }, name: { text: r.name }, extra: { text: 'x' }, count: { text: '12' } }),
  });
  // Headers align like their cells (right-aligned numbers).
  assert.equal(tableLines(t), [' ID NAME   EXTRA    N', '  7 a-ver… x       12']);
});

lines('paints tones, the header and the selected row through the painter', () => {
  const t = buildTable(SPECS.slice(0, 2), [1], {
    width: 10,
    height: 3,
    focus: 0,
    selected: 0,
    cellsOf: () => ({ id: { text: '1', tone: 'alert' }, name: { text: '{x}' } }),
  });
  const painted = tableLines(t, {
    cell: (s, tone) => (tone === 'alert' ? `<${s}>` : s),
    header: (l) => `H[${l}]`,
    selected: (l) => `S[${l}]`,
    escape: (s) => s.replace(/[{}]/g, '#'),
  });
  assert.equal(painted, ['H[ ID NAME  ]', 'S[<  1> #x#   ]']);
});

fit.run();
scroll.run();
build.run();
lines.run();
