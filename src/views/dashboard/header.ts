/**
 * The header panel: the run's name and state, its clock, where it is among its levels, the
 * progress gauge with the ETA, and the ingest warnings. Every figure comes from the run facts
 * (DESIGN §4.5); this module only decides what fits the width.
 */
import { toSnake } from '../../codecs/snakeCase';
import type { RunFacts } from '../../metrics/runFacts';
import type { RunSnapshot } from '../../metrics/snapshot';
import { formatPercent, oneLine, progressBar } from '../format';
import { anomalies, ingestSummary } from '../statusModel';
import { innerWidth, type Layout } from './layout';
import type { Cell, Tone } from './table';
import { formatWholeSeconds } from './time';

/** The run as the header names it; `waiting` before the first event. */
export type HeaderState = 'waiting' | 'running' | 'complete' | 'stopped' | 'failed' | 'abandoned';

/** A piece of text and how it reads (the widget layer turns the tone into a colour, or nothing). */
export type Segment = Cell;

export interface HeaderModel {
  readonly feature: string;
  readonly state: HeaderState;
  /** Since the run started (not since the dashboard opened); frozen once it ended. */
  readonly elapsed: string;
  readonly done: number;
  readonly failed: number;
  /** The run's size (`runTotal`); null while unknown. */
  readonly total: number | null;
  /** 0..1. */
  readonly fraction: number;
  /** `12/20 (60%)`. */
  readonly progress: string;
  /** `~1m30s (est.)` while running and estimable, else null. */
  readonly eta: string | null;
  /** Ingest counters that signal bad input (duplicates are normal on a restart and not counted). */
  readonly warnings: number;
  /** Non-zero counters, snake_case as in `--json` (`invalid_lines.invalid_json 2`). */
  readonly warningDetail: readonly string[];
  readonly paused: boolean;
  readonly error: string | null;
  /** The header's lines, ready to paint: status, gauge, and (full layout) ingest/error. */
  readonly lines: readonly (readonly Segment[])[];
}

/** What the header shows beyond the snapshot and its facts. */
export interface HeaderContext {
  readonly layout: Layout;
  readonly paused: boolean;
  /** Live workers whose heartbeats stopped. */
  readonly stalled: number;
}

function headerStateOf(facts: RunFacts): HeaderState {
  return facts.status === 'pending' ? 'waiting' : facts.status;
}

const STATE_TONE: Readonly<Record<HeaderState, Tone>> = {
  waiting: 'muted',
  running: 'warn',
  complete: 'good',
  stopped: 'warn',
  failed: 'alert',
  abandoned: 'alert',
};

/** Counters of bad input (DESIGN §8), as the `--json` counters name them (`invalid_lines.invalid_json 2`). */
function ingestWarnings(snapshot: RunSnapshot): { total: number; detail: string[] } {
  const { rejected, byReason } = ingestSummary(snapshot.ingest);
  const others = anomalies(snapshot.ingest);
  const detail = [...byReason.map(([reason, n]) => `invalid_lines.${reason} ${n}`), ...others.map(([key, n]) => `${toSnake(key)} ${n}`)];
  return { total: others.reduce((sum, [, n]) => sum + n, rejected), detail };
}

function etaText(eta: number | null): string | null {
  if (eta === null) return null;
  // The facts are for the frame's clock: tasks in flight count down, the rest is whole tasks.
  // Whole seconds, rounded up: an estimate has no tenths, and a clock that changes every frame
  // would redraw every frame. Never `~0s` while tasks remain: the estimate ran out, the work has not.
  return `~${formatWholeSeconds(Math.max(1000, Math.ceil(eta / 1000) * 1000))} (est.)`;
}

const segLen = (segs: readonly Segment[]): number => segs.reduce((n, x) => n + [...x.text].length, 0);

/** The figures of the header, before they are laid out in lines. */
interface HeaderFigures {
  readonly feature: string;
  readonly state: HeaderState;
  readonly elapsed: string;
  readonly fraction: number;
  readonly progress: string;
  readonly eta: string | null;
  readonly warnings: number;
  readonly warningDetail: readonly string[];
}

function headerFigures(snapshot: RunSnapshot, facts: RunFacts): HeaderFigures {
  const state = headerStateOf(facts);
  const elapsedMs = snapshot.startedAt === null ? null : Math.max(0, facts.clockEnd - snapshot.startedAt);
  // A total that only counts the tasks seen so far is no size: no fraction, no ETA from it.
  const shown = facts.fraction;
  const fraction = shown ?? (state === 'complete' ? 1 : 0);
  const { total: warnings, detail: warningDetail } = ingestWarnings(snapshot);
  return {
    feature: snapshot.feature ?? '(no feature yet)',
    state,
    elapsed: formatWholeSeconds(elapsedMs),
    fraction,
    progress: shown === null ? `${facts.completed}/?` : `${facts.completed}/${facts.total} (${formatPercent(fraction)})`,
    eta: facts.status === 'running' ? etaText(facts.etaMs) : null,
    warnings,
    warningDetail,
  };
}

/** The gauge line: bar and progress always; failures and the ETA when the bar keeps 10 cells. Returns what did not fit too. */
function gaugeLine(f: HeaderFigures, failed: number, width: number): { gauge: Segment[]; leftOver: Segment[] } {
  const tail: Segment[] = [{ text: `  ${f.progress}` }];
  const extras: Segment[] = [];
  if (failed > 0) extras.push({ text: `  failed ${failed}`, tone: 'alert' });
  if (f.eta) extras.push({ text: `  ETA ${f.eta}` });
  else if (f.state === 'complete') extras.push({ text: '  done', tone: 'good' });
  const leftOver: Segment[] = [];
  for (const extra of extras) {
    if (width - segLen(tail) - segLen([extra]) >= 10) tail.push(extra);
    else leftOver.push(extra);
  }
  const bar = progressBar(f.fraction, Math.max(1, Math.min(60, width - segLen(tail))));
  return {
    gauge: [{ text: bar.filled, tone: f.state === 'failed' ? 'alert' : 'good' }, { text: bar.empty, tone: 'muted' }, ...tail],
    leftOver,
  };
}

/** The status line: feature, state and clock always (cut if need be); the rest when it fits. */
function statusLine(f: HeaderFigures, snapshot: RunSnapshot, facts: RunFacts, context: HeaderContext, leftOver: readonly Segment[], width: number): Segment[] {
  const status: Segment[] = [{ text: f.feature, tone: 'normal' }, { text: '  ' }, { text: f.state.toUpperCase(), tone: STATE_TONE[f.state] }, { text: `  elapsed ${f.elapsed}` }];
  const { stalled } = context;
  const { levels } = facts;
  const current = levels.find((l) => l.level === facts.currentLevel);
  const levelsDone = levels.filter((l) => l.phase === 'done').length;
  const workers = snapshot.metrics.workerMetrics;
  const busy = workers.filter((w) => w.currentTask).length;
  const optional: Segment[] = [];
  if (context.paused) optional.push({ text: '  PAUSED', tone: 'warn' });
  if (stalled > 0) optional.push({ text: `  ${stalled} STALLED`, tone: 'alert' });
  optional.push(...leftOver);
  if (context.layout.mode === 'compact') optional.push({ text: `  warn ${f.warnings}`, tone: f.warnings > 0 ? 'warn' : 'muted' });
  optional.push({ text: `  ${levelWords(current?.level ?? null, levelsDone, levels.length)}` });
  optional.push({ text: `  workers ${busy}/${workers.length} busy` });
  for (const extra of optional) if (segLen(status) + segLen([extra]) <= width) status.push(extra);
  return status;
}

/** The third line of the full layout: the run's error, and the ingest warnings. */
function ingestLine(f: HeaderFigures, error: string | null, width: number): Segment[] {
  const line: Segment[] = [];
  if (error) line.push({ text: `✗ ${oneLine(error, width)}  `, tone: 'alert' });
  line.push(
    f.warnings > 0 ? { text: `ingest warnings ${f.warnings}: ${f.warningDetail.join(', ')}`, tone: 'warn' } : { text: 'ingest warnings 0', tone: 'muted' },
  );
  return line;
}

export function headerOf(snapshot: RunSnapshot, facts: RunFacts, context: HeaderContext): HeaderModel {
  const { layout } = context;
  const f = headerFigures(snapshot, facts);
  const width = innerWidth(layout.header, layout.bordered);
  const { gauge, leftOver } = gaugeLine(f, facts.failed, width);
  const lines: Segment[][] = [statusLine(f, snapshot, facts, context, leftOver, width), gauge];
  if (layout.mode === 'full') lines.push(ingestLine(f, snapshot.error, width));
  return {
    feature: f.feature,
    state: f.state,
    elapsed: f.elapsed,
    done: facts.completed,
    failed: facts.failed,
    total: facts.total,
    fraction: f.fraction,
    progress: f.progress,
    eta: f.eta,
    warnings: f.warnings,
    warningDetail: f.warningDetail,
    paused: context.paused,
    error: snapshot.error,
    lines: lines.map((l) => cutSegments(l, width)),
  };
}

/**
 * Where the run is among its levels, in words that cannot pass for a task count: `level 2 · 1/3
 * levels done`, `all 4 levels done` at the end, `level -` before any level is known.
 */
export function levelWords(current: number | null, done: number, count: number): string {
  const position = `level ${current ?? '-'}`;
  if (count === 0) return position;
  if (done === count) return `all ${count} level${count === 1 ? '' : 's'} done`;
  return `${position} · ${done}/${count} levels done`;
}

/** Segments cut to `width` visible characters (an ellipsis marks the cut). */
export function cutSegments(segments: readonly Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let left = width;
  for (const s of segments) {
    if (left <= 0) break;
    const chars = [...s.text];
    if (chars.length <= left) {
      out.push(s);
      left -= chars.length;
    } else {
      out.push({ ...s, text: `${chars.slice(0, Math.max(0, left - 1)).join('')}…` });
      left = 0;
    }
  }
  return out;
}
