import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENT_ALIASES, EVENT_TYPES, type LifecycleEvent } from '../../src/events/codecs';
import { decodeLine, eventLine } from '../../src/events/decode';
import { decodeLineFast, FAST_TYPES, readLine } from '../../src/events/fastDecode';
import { parseTimestamp, parseTimestampByPattern } from '../../src/events/timestamp';
import { fastUtcTimestamp } from '../../src/events/utcTimestamp';
import { generateRun } from '../helpers/runGenerator';
import { mulberry32 } from '../helpers/seededRandom';

const Equivalence = suite('decodeLineFast');

const stamp = fc.oneof(
  // canonical UTC forms (the fast path), from year 0 to 9999
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
  fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }).map((ms) => new Date(ms).toISOString()),
  fc
    .record({ y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }), h: fc.integer({ min: 0, max: 24 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 61 }), ms: fc.integer({ min: 0, max: 999 }) })
    .map(({ y, mo, d, h, mi, s, ms }) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}Z`),
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')),
  // days a month does not have, out-of-range fields, other forms
  fc.constantFrom('2026-02-30T10:00:00.000Z', '2026-02-29T00:00:00Z', '2024-02-29T23:59:60.999Z', '2026-13-01T00:00:00.000Z', '2026-01-01T24:00:00.000Z'),
  fc.constantFrom('2000-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '0100-03-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2026-04-31T00:00:00Z'),
  fc.constantFrom('2026-01-27T08:45:34.512733', '2026-01-27T08:45:34+00:00', '2026-01-27 08:45:34Z', '2026-01-27T08:45:34.5Z', '0099-01-01T00:00:00.000Z'),
  // upstream's Python stamps and other offsets, fractions of 1 to 9 digits (the fast path too)
  fc
    .record({ ms: fc.integer({ min: 0, max: 4_102_444_800_000 }), frac: fc.integer({ min: 0, max: 999_999_999 }), digits: fc.integer({ min: 0, max: 10 }), zone: fc.constantFrom('+00:00', 'Z', '-05:30', '+14:00', '+0000', '+00', '+00:0x', ' +00:00', '+00:00x') })
    .map(({ ms, frac, digits, zone }) => `${new Date(ms).toISOString().slice(0, 19)}${digits === 0 ? '' : `.${String(frac).padStart(10, '0').slice(0, digits)}`}${zone}`),
  fc.constantFrom('2026-01-27T08:45:34.512733+00:00', '2026-01-27T08:45:34.+00:00', '2026-01-27T08:45:34.5Z+00:00', '2026-02-29T08:45:34.000000+00:00', '2024-02-29T08:45:34.000000-23:59'),
  fc.constantFrom('2026-01-27T08:45:34.512Zx', ' 2026-01-27T08:45:34.512Z', 'yesterday', '', '2026-01-2aT08:45:34.512Z', '202x-01-27T08:45:34.512Z'),
  fc.constantFrom('2026-01-27T08:45:3x.512Z', '2026-01-27T08:45:34.5x2Z', '2026-01-27T0x:45:34.512Z', '2026-01-27T08:45:34,512Z', '2026-01-27T08:45:34.512z'),
);

const value = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 1e6 }),
  fc.constantFrom('3', 'T-1', '', 'x'),
  fc.constant(null),
  fc.array(fc.constantFrom('A', 'B'), { maxLength: 2 }),
  fc.constant({}),
);
const dataKey = fc.constantFrom(
  'task_id',
  'worker_id',
  'duration_ms',
  'level',
  'error',
  'retry_count',
  'next_retry_at',
  'tasks',
  'workers',
  'total_tasks',
  'extra_field',
  'taskId',
);
const data = fc.oneof(fc.dictionary(dataKey, value, { maxKeys: 5 }), fc.constant(undefined), fc.constant([]), fc.constant('x'));
const typeName = fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.constantFrom(...Object.keys(EVENT_ALIASES)), fc.constantFrom('mystery', 'toString', '__proto__'));

const wire = fc.record(
  {
    timestamp: fc.oneof(stamp, fc.constant(5)),
    type: fc.oneof(typeName, fc.constant(7)),
    feature: fc.oneof(fc.constant('f'), fc.constant(1)),
    producer: fc.oneof(fc.constant('p'), fc.constant(2)),
    seq: fc.oneof(fc.nat(1000), fc.constant(-1), fc.constant(1.5), fc.constant('3')),
    data,
  },
  { requiredKeys: [] },
);

/** A valid event for each type, so the fast path is exercised, not only its refusals. */
const validLine = fc
  .record({ type: fc.constantFrom(...EVENT_TYPES), ms: fc.integer({ min: 1e12, max: 2e12 }), id: fc.nat(50), level: fc.nat(5), took: fc.nat(10_000) })
  .map(({ type, ms, id, level, took }) => {
    const payload: Record<string, unknown> = { task_id: `T-${id}`, worker_id: id % 7, level, duration_ms: took, retry_count: 1, error: null };
    return JSON.stringify({ timestamp: new Date(ms).toISOString(), type, feature: 'f', producer: 'p', seq: id, data: payload });
  });

const line = fc.oneof(
  wire.map((w) => JSON.stringify(w)),
  validLine,
  fc.constantFrom('not json', '[1,2]', 'null', '42', '"s"', '{"timestamp":"2026-01-01T00:00:00.000Z","type":"rush_completed"}'),
);

Equivalence('gives exactly what decodeLine gives, on valid and broken lines', () => {
  fc.assert(
    fc.property(line, (l) => {
      assert.equal(decodeLineFast(l), decodeLine(l));
    }),
    { numRuns: 20000, seed: 42 },
  );
});

Equivalence('gives what decodeLine gives on the lines of real runs, as written and with a payload field dropped, retyped or added', () => {
  const events = generateRun(mulberry32(5), { workers: 3, tasksPerLevel: [4, 3], failRate: 0.3, verifyRate: 0.5, producer: 'p' });
  const edits: ((data: Record<string, unknown>) => void)[] = [
    () => undefined,
    (d) => delete d[Object.keys(d)[0] ?? 'x'],
    (d) => delete d[Object.keys(d).at(-1) ?? 'x'],
    (d) => (d[Object.keys(d)[0] ?? 'x'] = '3'),
    (d) => (d[Object.keys(d).at(-1) ?? 'x'] = null),
    (d) => (d.extra_field = 1),
    (d) => (d.taskId = 'T-camel'),
    (d) => (d.error = 'boom'),
    (d) => (d.duration_ms = -5),
  ];
  let fast = 0;
  for (const event of events) {
    for (const edit of edits) {
      const wire = JSON.parse(eventLine(event)) as { data: Record<string, unknown> };
      edit(wire.data);
      const l = JSON.stringify(wire);
      const decoded = decodeLineFast(l);
      assert.equal(decoded, decodeLine(l), l);
      if (decoded._tag === 'Right') fast += 1;
    }
  }
  assert.ok(fast > events.length * 3, 'most edited lines still decode');
});

/** Lines as we write them: every type of a run, with and without `feature`, and a failure with an error text. */
const writtenLines = (() => {
  const events = generateRun(mulberry32(9), { workers: 3, tasksPerLevel: [3, 2], failRate: 0.4, verifyRate: 0.5, producer: 'p' });
  const extra: LifecycleEvent[] = [
    { type: 'task_failed', ts: Date.UTC(2026, 0, 27), feature: 'auth', producer: 'p', seq: 900, data: { taskId: 'T-1', workerId: 2, error: 'exit 1: "quoted" \\ path' } },
    { type: 'worker_crashed', ts: Date.UTC(2026, 0, 27, 1), data: { workerId: 0, error: null } },
    { type: 'level_started', ts: Date.UTC(2026, 0, 27, 2), data: { level: 2, tasks: ['A', 'B'] } },
    { type: 'rush_completed', ts: Date.UTC(2026, 0, 27, 3), seq: 7, data: {} },
  ];
  return [...events, ...events.slice(0, 10).map((e) => ({ ...e, feature: 'auth' })), ...extra].map((e) => eventLine(e).trimEnd());
})();

/**
 * The same events as upstream writes them: envelope keys `timestamp, type, feature, data`, Python's
 * `", "` and `": "` separators, microsecond stamps with `+00:00`; and with the envelope's and the
 * payload's keys in other orders (a seeded shuffle).
 */
const upstreamLines = (() => {
  const rand = mulberry32(21);
  const shuffled = <T>(xs: T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const python = (l: string): string => l.replace(/,"/g, ', "').replace(/":/g, '": ');
  return writtenLines.flatMap((l) => {
    const { timestamp, type, feature, producer: _p, seq: _s, data } = JSON.parse(l) as Record<string, unknown>;
    const stamp = String(timestamp).replace(/(\.\d{3})?Z$/, (m) => `${m.length > 1 ? m.slice(0, 4) : '.000'}000+00:00`);
    const upstream = JSON.stringify({ timestamp: stamp, type, feature, data });
    const scrambled = JSON.stringify(Object.fromEntries(shuffled(Object.entries({ ...(JSON.parse(l) as object), data: Object.fromEntries(shuffled(Object.entries(data as object))) }))));
    return /\\|\[/.test(l) ? [] : [python(upstream), upstream, scrambled];
  });
})();

/** Characters that make or break a line: structure, escapes, whitespace, control and non-ASCII ones. */
const EDIT_CHARS = ['"', '\\', ',', ':', '{', '}', '[', ']', '0', '1', '9', '-', '.', 'e', 'E', 'a', 'Z', ' ', '\t', '\u0001', 'é', '\u2028'];

/** `readLine` over the line's bytes, in a buffer where the next line follows, as the tailer has them. */
const readInPlace = (l: string): LifecycleEvent | undefined => readLine(Buffer.from(`${l}\n{"timestamp":"2026`), 0, Buffer.byteLength(l));

/** Both fast paths give what `decodeLine` gives: the parsed one always, the in-place one when it reads the line at all. */
function assertAsDecodeLine(l: string): void {
  const expected = decodeLine(l);
  assert.equal(decodeLineFast(l), expected, l);
  const inPlace = readInPlace(l);
  if (inPlace !== undefined) assert.equal(E.right(inPlace), expected, l);
}

Equivalence('gives what decodeLine gives on lines as we write them with any one character cut, removed or replaced', () => {
  const oneOfEachType = [...new Map([...writtenLines, ...upstreamLines].map((l) => [`${/"type": ?"(\w+)"/.exec(l)?.[1]}${l.includes('"feature"')}${l.includes('": ')}${l.startsWith('{"timestamp"')}`, l])).values()];
  for (const line of oneOfEachType) {
    for (let i = 0; i <= line.length; i++) {
      const edited = [line.slice(0, i), line.slice(0, i) + line.slice(i + 1), ...EDIT_CHARS.map((c) => line.slice(0, i) + c + line.slice(i + 1))];
      for (const l of edited) assertAsDecodeLine(l);
    }
  }
});

Equivalence('gives what decodeLine gives on lines as we write them with characters inserted or edited anywhere', () => {
  const edit = fc.record({ kind: fc.constantFrom('insert', 'replace', 'delete'), at: fc.nat(300), char: fc.constantFrom(...EDIT_CHARS) });
  const apply = (line: string, { kind, at, char }: { kind: string; at: number; char: string }): string => {
    const i = at % (line.length + 1);
    if (kind === 'insert') return line.slice(0, i) + char + line.slice(i);
    if (kind === 'replace') return line.slice(0, i) + char + line.slice(i + 1);
    return line.slice(0, i) + line.slice(i + 1);
  };
  fc.assert(
    fc.property(fc.constantFrom(...writtenLines, ...upstreamLines), fc.array(edit, { minLength: 1, maxLength: 3 }), (line, edits) => assertAsDecodeLine(edits.reduce(apply, line))),
    { numRuns: 20000, seed: 8 },
  );
});

Equivalence('reads the lines we write in place, but for escaped text and lists, which are parsed', () => {
  const read = writtenLines.filter((l) => readInPlace(l) !== undefined);
  assert.equal(
    writtenLines.filter((l) => !read.includes(l)).map((l) => JSON.parse(l).type),
    ['task_failed', 'level_started'],
  );
  for (const l of read) assert.equal(E.right(readInPlace(l)), decodeLine(l));
  // Keys in another order, upstream's separators and stamps: read in place too, to the same event as parsed.
  for (const l of [...writtenLines, ...upstreamLines]) {
    const { data, ...envelope } = JSON.parse(l) as Record<string, unknown>;
    const reordered = JSON.stringify({ data, ...envelope });
    assert.equal(decodeLineFast(reordered), decodeLine(reordered));
    if (readInPlace(l) !== undefined) assert.equal(E.right(readInPlace(reordered)), decodeLine(reordered), reordered);
  }
  const upstreamRead = upstreamLines.filter((l) => readInPlace(l) !== undefined);
  assert.ok(upstreamRead.length >= upstreamLines.length - 6, `${upstreamRead.length} of ${upstreamLines.length} upstream lines read in place`);
  for (const l of upstreamRead) assert.equal(E.right(readInPlace(l)), decodeLine(l), l);
});

Equivalence('decodes the lines we write', () => {
  const l = eventLine({ type: 'task_complete', ts: Date.UTC(2026, 0, 27, 8, 45, 34, 57), producer: 'p', seq: 3, data: { taskId: 'T-1', workerId: 2, durationMs: 1500 } });
  const decoded = decodeLineFast(l.trimEnd());
  assert.equal(decoded, decodeLine(l.trimEnd()));
  assert.is(decoded._tag, 'Right');
});

Equivalence('still decodes where code generation is disallowed (the built package, node --disallow-code-generation-from-strings)', () => {
  const dist = path.join(__dirname, '..', '..', 'dist', 'events', 'fastDecode.js');
  const l = eventLine({ type: 'task_failed', ts: Date.UTC(2026, 0, 27), producer: 'p', seq: 4, data: { taskId: 'T-1', workerId: 2, error: 'exit 1' } }).trimEnd();
  const script = [
    `const { decodeLineFast, readLine } = require(${JSON.stringify(dist)});`,
    `const l = ${JSON.stringify(l)};`,
    // The in-place reader has no payload readers then: it leaves every line to the parsed path.
    `process.stdout.write(JSON.stringify({ parsed: decodeLineFast(l), inPlace: readLine(Buffer.from(l), 0, l.length) ?? null }));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout), { parsed: JSON.parse(JSON.stringify(decodeLine(l))), inPlace: null });
});

Equivalence('has a fast path for every canonical event type', () => {
  assert.equal([...FAST_TYPES].sort(), [...EVENT_TYPES].sort());
});

Equivalence('keeps the rejection reason of a bad line', () => {
  const bad = decodeLineFast('{"timestamp":"2026-01-01T00:00:00.000Z","type":"task_claimed","data":{"task_id":"T"}}');
  assert.is(bad._tag === 'Left' ? bad.left.reason : null, 'bad_data');
  const unknown = decodeLineFast('{"timestamp":"2026-01-01T00:00:00.000Z","type":"mystery"}');
  assert.is(unknown._tag === 'Left' ? unknown.left.reason : null, 'unknown_type');
});

Equivalence.run();

const Stamps = suite('fastUtcTimestamp');

Stamps('equals parseTimestamp on every canonical stamp it accepts', () => {
  fc.assert(
    fc.property(stamp, (s) => {
      const fast = fastUtcTimestamp(s);
      if (fast === undefined) return;
      const slow = parseTimestampByPattern(s);
      assert.equal(slow, { _tag: 'Right', right: fast });
    }),
    { numRuns: 5000, seed: 7 },
  );
});

Stamps('gives parseTimestamp’s result along a log, where most stamps share their minute with the one before', () => {
  const second = fc.oneof(fc.integer({ min: 0, max: 61 }).map((n) => String(n).padStart(2, '0')), fc.constantFrom('6x', '  ', '-1'));
  const fraction = fc.oneof(fc.integer({ min: 0, max: 999 }).map((n) => `.${String(n).padStart(3, '0')}`), fc.constantFrom('', '.5x9', ',123'));
  const minute = fc.constantFrom('2026-01-27T08:45:', '2026-01-27T08:46:', '2026-02-30T08:45:', '2026-01-27T25:45:', '2024-02-29T23:59:', '2026-01-2xT08:45:');
  const stampInMinute = fc.tuple(minute, second, fraction).map(([m, s, f]) => `${m}${s}${f}Z`);
  fc.assert(
    fc.property(fc.array(stampInMinute, { minLength: 1, maxLength: 30 }), (stamps) => {
      for (const s of stamps) {
        const fast = fastUtcTimestamp(s);
        const slow = parseTimestampByPattern(s);
        if (fast !== undefined) assert.equal(slow, { _tag: 'Right', right: fast }, s);
        else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.test(s)) assert.is(slow._tag, 'Left', `${s} is canonical: only an invalid one may leave the fast path`);
      }
    }),
    { numRuns: 2000, seed: 11 },
  );
});

Stamps('accepts the form we write, with and without milliseconds', () => {
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34.057Z'), Date.UTC(2026, 0, 27, 8, 45, 34, 57));
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34Z'), Date.UTC(2026, 0, 27, 8, 45, 34));
  assert.is(fastUtcTimestamp('2000-02-29T23:59:59.999Z'), Date.UTC(2000, 1, 29, 23, 59, 59, 999));
  assert.is(fastUtcTimestamp('1969-12-31T00:00:00.000Z'), Date.UTC(1969, 11, 31));
});

Stamps('accepts upstream’s form, microseconds and an offset, to the microsecond', () => {
  assert.equal(parseTimestamp('2026-01-27T08:45:34.512733+00:00'), E.right(fastUtcTimestamp('2026-01-27T08:45:34.512733+00:00')));
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34.512733+00:00'), Date.UTC(2026, 0, 27, 8, 45, 34, 512) + 0.733);
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34.000000+00:00'), Date.UTC(2026, 0, 27, 8, 45, 34));
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34+02:00'), Date.UTC(2026, 0, 27, 6, 45, 34));
  assert.is(fastUtcTimestamp('2026-01-27T08:45:34.5-01:30'), Date.UTC(2026, 0, 27, 10, 15, 34, 500));
});

Stamps('leaves every other form to parseTimestamp', () => {
  for (const s of ['2026-01-27T08:45:34.512733', '2026-01-27T08:45:34+0000', '2026-01-27 08:45:34Z', '2026-02-30T00:00:00.000Z', '2026-01-27T08:45:34.1234567891Z', 'x']) {
    assert.is(fastUtcTimestamp(s), undefined, s);
  }
});

Stamps.run();
