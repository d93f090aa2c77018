import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom, Observable, Subject, toArray } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TailItem, tailJsonl, tailJsonlBatches } from '../../src/sources/jsonlTailer';
import { lineHash } from '../../src/metrics/recentLines';
import { withTempDir } from '../helpers/tempDir';

/** Runs `body` on `e.jsonl` holding `content`, in a fresh temp dir. */
const withLog = (content: string, body: (file: string) => Promise<void>): Promise<void> =>
  withTempDir((dir) => {
    const file = path.join(dir, 'e.jsonl');
    fs.writeFileSync(file, content);
    return body(file);
  });

const readAll = (file: string, options: Parameters<typeof tailJsonl>[1] = {}): Promise<TailItem[]> =>
  firstValueFrom(tailJsonl(file, { ...options, follow: false }).pipe(toArray()));

const lines = (items: readonly TailItem[]): string[] => items.flatMap((i) => (i.kind === 'line' ? [i.line] : []));
const kinds = (items: readonly TailItem[]): string[] => items.map((i) => i.kind);

/** Follows a tailer, collecting what it emits; `until` resolves once the items satisfy a condition. */
class Follower {
  readonly items: TailItem[] = [];
  private waiters: Array<{ pred: (items: TailItem[]) => boolean; resolve: () => void }> = [];
  readonly done: Promise<void>;
  private readonly stop$ = new Subject<void>();

  constructor(file: string, options: Parameters<typeof tailJsonl>[1] = {}) {
    const source: Observable<TailItem> = tailJsonl(file, { pollIntervalMs: 20, ...options, follow: true, stop: this.stop$ });
    this.done = new Promise((resolve, reject) => {
      source.subscribe({
        next: (item) => {
          this.items.push(item);
          this.waiters = this.waiters.filter((w) => (w.pred(this.items) ? (w.resolve(), false) : true));
        },
        error: reject,
        complete: () => resolve(),
      });
    });
  }

  until(pred: (items: TailItem[]) => boolean): Promise<void> {
    if (pred(this.items)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  untilLine(line: string): Promise<void> {
    return this.until((items) => lines(items).includes(line));
  }

  async stop(): Promise<void> {
    this.stop$.next();
    await this.done;
  }
}

const Reading = suite('tailJsonl: reading a file to its end');

Reading('emits each complete line with the byte offset after it, then completes', () =>
  withLog('{"a":1}\n{"b":22}\n', async (file) => {
    const items = await readAll(file);
    assert.equal(items, [
      { kind: 'line', line: '{"a":1}', offset: 8 },
      { kind: 'line', line: '{"b":22}', offset: 17 },
      { kind: 'caught_up', offset: 17 },
    ]);
  }),
);

Reading('sends the event of a line its decoder reads in place, with the line\'s offset, and the text of the others', () =>
  withLog('{"a":1}\n{"b":22}\n{"a":3}\n', async (file) => {
    const seen: string[] = [];
    // Reads `{"a":N}` lines only; the bytes are only lent for the call.
    const decode = (b: Buffer, start: number, end: number) => {
      const text = b.toString('utf8', start, end);
      seen.push(text);
      const m = /^\{"a":(\d)\}$/.exec(text);
      return m ? ({ type: 'rush_completed', ts: Number(m[1]), data: {} } as const) : undefined;
    };
    const items = await readAll(file, { decode, chunkBytes: 16 });
    assert.equal(items, [
      { kind: 'event', event: { type: 'rush_completed', ts: 1, data: {} }, offset: 8 },
      { kind: 'line', line: '{"b":22}', offset: 17 },
      { kind: 'event', event: { type: 'rush_completed', ts: 3, data: {} }, offset: 25 },
      { kind: 'caught_up', offset: 25 },
    ]);
    assert.equal(seen, ['{"a":1}', '{"b":22}', '{"a":3}']);
  }),
);

Reading('an event read in place is sent with the hash of its line when asked (non-ASCII lines too), never with its text', () =>
  withLog('{"a":1}\n{"a":2,"é":0}\n', async (file) => {
    const decode = (b: Buffer, start: number, end: number) => ({ type: 'rush_completed', ts: b[end - 1] === 0x7d ? end - start : 0, data: {} }) as const;
    const items = await readAll(file, { decode, keepLine: (e) => e.ts === 7 });
    assert.equal(items, [
      { kind: 'event', event: { type: 'rush_completed', ts: 7, data: {} }, offset: 8, lineHash: lineHash('{"a":1}') },
      { kind: 'event', event: { type: 'rush_completed', ts: 14, data: {} }, offset: 23 },
      { kind: 'caught_up', offset: 23 },
    ]);
    const both = await readAll(file, { decode, keepLine: () => true });
    assert.equal(both.flatMap((i) => (i.kind === 'event' ? [i.lineHash] : [])), [lineHash('{"a":1}'), lineHash('{"a":2,"é":0}')]);
  }),
);

Reading('starts at the given offset', () =>
  withLog('{"a":1}\n{"b":22}\n{"c":3}\n', async (file) => {
    assert.equal(lines(await readAll(file, { fromOffset: 8 })), ['{"b":22}', '{"c":3}']);
  }),
);

Reading('a partial last line is not parsed and is reported as a torn tail; a resumed read gets it once whole', () =>
  withLog('{"a":1}\n{"b":2', async (file) => {
    const items = await readAll(file);
    assert.equal(lines(items), ['{"a":1}']);
    assert.equal(items.find((i) => i.kind === 'torn_tail'), { kind: 'torn_tail', bytes: 6, offset: 8 });
    assert.equal(items[items.length - 1], { kind: 'caught_up', offset: 8 });
    fs.appendFileSync(file, '2}\n');
    const resumed = await readAll(file, { fromOffset: 8 });
    assert.equal(resumed, [
      { kind: 'line', line: '{"b":22}', offset: 17 },
      { kind: 'caught_up', offset: 17 },
    ]);
  }),
);

Reading('carries partial lines across small reads', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'e.jsonl');
    const want = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 13) }));
    fs.writeFileSync(file, want.map((l) => `${l}\n`).join(''));
    const items = await readAll(file, { chunkBytes: 7 });
    assert.equal(lines(items), want);
    const last = items.filter((i) => i.kind === 'line').pop();
    assert.equal(last?.offset, fs.statSync(file).size);
  }),
);

Reading('decodes UTF-8 characters split across read boundaries', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'e.jsonl');
    const want = ['{"t":"héllo wörld ✓ 𝄞"}', '{"t":"日本語のテキスト"}', '{"t":"ok"}'];
    fs.writeFileSync(file, want.map((l) => `${l}\n`).join(''));
    for (const chunkBytes of [64, 65, 66, 67, 68, 69, 70]) {
      assert.equal(lines(await readAll(file, { chunkBytes })), want, `chunk ${chunkBytes}`);
    }
  }),
);

Reading('skips a byte-order mark at the start of the file, and only there', () =>
  withLog('\ufeff{"a":1}\n\ufeff{"b":2}\n', async (file) => {
    const items = await readAll(file);
    assert.equal(items, [
      { kind: 'line', line: '{"a":1}', offset: 11 },
      { kind: 'line', line: '\ufeff{"b":2}', offset: 22 },
      { kind: 'caught_up', offset: 22 },
    ]);
    assert.equal(lines(await readAll(file, { chunkBytes: 4 })), ['{"a":1}', '\ufeff{"b":2}'], 'a first line longer than a read');
  }),
);

Reading('skips blank lines but keeps offsets exact', () =>
  withLog('{"a":1}\n\n  \r\n{"b":2}\r\n', async (file) => {
    const items = await readAll(file);
    assert.equal(items, [
      { kind: 'line', line: '{"a":1}', offset: 8 },
      { kind: 'line', line: '{"b":2}\r', offset: 22 },
      { kind: 'caught_up', offset: 22 },
    ]);
  }),
);

Reading('a line longer than the limit is skipped whole and reported once', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'e.jsonl');
    const long = `{"x":"${'y'.repeat(500)}"}`;
    fs.writeFileSync(file, `{"a":1}\n${long}\n{"b":2}\n`);
    const items = await readAll(file, { chunkBytes: 64, maxLineBytes: 100 });
    assert.equal(kinds(items), ['line', 'oversized', 'line', 'caught_up']);
    assert.equal(items[1], { kind: 'oversized', bytes: long.length, offset: 8 + long.length + 1 });
    assert.equal(lines(items), ['{"a":1}', '{"b":2}']);
  }),
);

Reading('a missing file completes at once with nothing read', () =>
  withTempDir(async (dir) => {
    assert.equal(await readAll(path.join(dir, 'none.jsonl')), [{ kind: 'caught_up', offset: 0 }]);
  }),
);

Reading('an offset past the end means the file was truncated: restart at 0', () =>
  withLog('{"a":1}\n', async (file) => {
    const items = await readAll(file, { fromOffset: 1000 });
    assert.equal(items, [
      { kind: 'truncated', previousOffset: 1000 },
      { kind: 'line', line: '{"a":1}', offset: 8 },
      { kind: 'caught_up', offset: 8 },
    ]);
  }),
);

Reading('errors on an unreadable path other than a missing file', () =>
  withTempDir(async (dir) => {
    const sub = path.join(dir, 'isdir.jsonl');
    fs.mkdirSync(sub);
    try {
      await readAll(sub);
      assert.unreachable('should have errored');
    } catch (err) {
      assert.is((err as NodeJS.ErrnoException).code, 'EISDIR');
    }
  }),
);

Reading('sends the items of one read as one batch, in order', () =>
  withLog('{"a":1}\n{"b":2}\n{"c":3}\n', async (file) => {
    const batches = await firstValueFrom(tailJsonlBatches(file).pipe(toArray()));
    assert.equal(batches.map((b) => b.map((i) => i.kind)), [['line', 'line', 'line'], ['caught_up']]);
    fs.writeFileSync(file, Array.from({ length: 40 }, (_, i) => `{"n":${i}}\n`).join(''));
    const small = await firstValueFrom(tailJsonlBatches(file, { chunkBytes: 64 }).pipe(toArray()));
    assert.equal(small.flat().filter((i) => i.kind === 'line').length, 40);
    assert.ok(small.length > 3, `one batch per read (${small.length})`);
  }),
);

Reading.run();

const Following = suite('tailJsonl: following a file');

Following('follows appends, completing a line written in two parts', () =>
  withLog('{"a":1}\n', async (file) => {
    const f = new Follower(file);
    await f.untilLine('{"a":1}');
    fs.appendFileSync(file, '{"b":');
    await f.until((items) => items.filter((i) => i.kind === 'caught_up').length >= 1);
    fs.appendFileSync(file, '2}\n{"c":3}\n');
    await f.untilLine('{"c":3}');
    await f.stop();
    assert.equal(lines(f.items), ['{"a":1}', '{"b":2}', '{"c":3}']);
    assert.not.ok(f.items.some((i) => i.kind === 'torn_tail'));
  }),
);

Following('waits for a missing file, then reads it once created', () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'later.jsonl');
    const f = new Follower(file);
    await f.until((items) => items.some((i) => i.kind === 'caught_up'));
    fs.writeFileSync(file, '{"a":1}\n');
    await f.untilLine('{"a":1}');
    await f.stop();
    assert.equal(f.items, [
      { kind: 'caught_up', offset: 0 },
      { kind: 'line', line: '{"a":1}', offset: 8 },
      { kind: 'caught_up', offset: 8 },
    ]);
  }),
);

Following('restarts at 0 when the file is truncated', () =>
  withLog('{"a":1}\n{"b":2}\n{"c":3}\n', async (file) => {
    const f = new Follower(file);
    await f.untilLine('{"c":3}');
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, '{"d":4}\n');
    await f.untilLine('{"d":4}');
    await f.stop();
    assert.equal(lines(f.items), ['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']);
    assert.equal(f.items.filter((i) => i.kind === 'truncated'), [{ kind: 'truncated', previousOffset: 24 }]);
    assert.equal(f.items.find((i) => i.kind === 'line' && i.line === '{"d":4}'), { kind: 'line', line: '{"d":4}', offset: 8 });
  }),
);

Following('after rotation, drains the old file then reads the new one from 0', () =>
  withLog('{"a":1}\n', async (file) => {
    const f = new Follower(file);
    await f.untilLine('{"a":1}');
    // Written to the old file just before it is moved away: still belongs to the stream.
    fs.appendFileSync(file, '{"b":2}\n');
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, '{"new":1}\n');
    await f.untilLine('{"new":1}');
    await f.stop();
    assert.equal(lines(f.items), ['{"a":1}', '{"b":2}', '{"new":1}']);
    const rotated = f.items.findIndex((i) => i.kind === 'rotated');
    assert.ok(rotated > 0, 'rotation reported');
    assert.equal(f.items[rotated], { kind: 'rotated', previousOffset: 16 });
    assert.equal(f.items[rotated + 1], { kind: 'line', line: '{"new":1}', offset: 10 });
  }),
);

Following('stop reads what is there, then completes without reporting a line being written', () =>
  withLog('{"a":1}\n', async (file) => {
    const f = new Follower(file);
    await f.untilLine('{"a":1}');
    fs.appendFileSync(file, '{"b":2}\n{"par');
    await f.stop();
    assert.equal(lines(f.items), ['{"a":1}', '{"b":2}']);
    assert.not.ok(f.items.some((i) => i.kind === 'torn_tail'));
    assert.equal(f.items[f.items.length - 1], { kind: 'caught_up', offset: 16 });
  }),
);

Following('unsubscribing stops the reader and its timers', () =>
  withLog('{"a":1}\n', async (file) => {
    const seen: TailItem[] = [];
    await new Promise<void>((resolve) => {
      const sub = tailJsonl(file, { follow: true, pollIntervalMs: 10 }).subscribe((item) => {
        seen.push(item);
        if (item.kind === 'caught_up') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    fs.appendFileSync(file, '{"b":2}\n');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(lines(seen), ['{"a":1}']);
  }),
);

Following.run();
