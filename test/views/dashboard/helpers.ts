/**
 * Dashboard test helpers: snapshots folded from the JSONL fixtures through the real reducer, and
 * fake terminal streams blessed can draw into.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as E from 'fp-ts/Either';
import { decodeLine } from '../../../src/events/decode';
import { reduce, type ReducerInput } from '../../../src/metrics/reducer';
import { createRunState } from '../../../src/metrics/runState';
import { snapshotOf } from '../../../src/metrics/snapshotOf';
import type { RunSnapshot } from '../../../src/metrics/snapshot';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'dashboard');

/** 2026-01-27T08:00:00Z: the fixtures' run starts here. */
export const T0 = Date.UTC(2026, 0, 27, 8, 0, 0);

export function fixtureInputs(...names: string[]): ReducerInput[] {
  const inputs: ReducerInput[] = [];
  for (const name of names) {
    for (const line of fs.readFileSync(path.join(FIXTURES, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const decoded = decodeLine(line);
      if (E.isLeft(decoded)) throw new Error(`bad fixture line in ${name}: ${decoded.left.detail}`);
      inputs.push({ kind: 'event', event: decoded.right });
    }
  }
  return inputs;
}

/** The run of `run-midway.jsonl` (7 s in: level 2 running, one failure retried). */
export const midway = (now = T0 + 7_000, extra: readonly ReducerInput[] = []): RunSnapshot =>
  fold([...fixtureInputs('run-midway.jsonl'), ...extra], now);

/** The whole run, complete at 10.6 s. */
export const complete = (now = T0 + 12_000): RunSnapshot => fold(fixtureInputs('run-midway.jsonl', 'run-rest.jsonl'), now);

export function fold(inputs: readonly ReducerInput[], now: number): RunSnapshot {
  const state = createRunState('dash-demo');
  for (const input of inputs) reduce(state, input);
  return snapshotOf(state, now);
}

export interface FakeTty {
  readonly input: PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void; isRaw: boolean };
  readonly output: Writable & { isTTY: boolean; columns: number; rows: number };
  /** Everything written to the output. */
  readonly written: () => string;
  /** Resizes the terminal the way a real one signals it. */
  readonly resize: (columns: number, rows: number) => void;
  /** Sends keys (raw bytes, as a terminal would). */
  readonly press: (keys: string) => void;
}

/** The options every dashboard test opens with: the fixtures' clock, colour, a fast tick, `tty` as the terminal. */
export const dashboardOptions = (tty: FakeTty) =>
  ({
    now: () => T0 + 7_000,
    stallAfterMs: 120_000,
    color: true,
    intervalMs: 10,
    input: tty.input,
    output: tty.output,
    terminal: 'xterm-256color',
    timeZone: 'UTC',
  }) as const;

export function fakeTty(columns: number, rows: number): FakeTty {
  const chunks: string[] = [];
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY: true, columns, rows },
  );
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(raw: boolean) {
      input.isRaw = raw;
    },
  });
  return {
    input,
    output,
    written: () => chunks.join(''),
    resize(c, r) {
      output.columns = c;
      output.rows = r;
      output.emit('resize');
    },
    press(keys) {
      input.write(keys);
    },
  };
}
