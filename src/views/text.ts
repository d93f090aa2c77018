/**
 * The one-shot text status (seed §3.6, DESIGN §6): a pure function from the status view-model to
 * the text printed, colour codes included only when asked for.
 */
import { printableLine as safe } from '../events/printable';
import type { TaskGraph } from '../graph/taskGraph';
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatPercent,
  oneLine,
  padEnd,
  Paint,
  painter,
  plural,
  progressBar,
  visibleWidth,
} from './format';
import type { FailureRow, IngestSummary, LevelLine, LevelPhase, StatusModel, TaskRow, WorkerRow } from './statusModel';

export interface RenderOptions {
  /** ANSI colour on (a TTY without NO_COLOR / --no-color). */
  readonly color: boolean;
  /** Zone of the clock times shown (IANA name); default this machine's. */
  readonly timeZone?: string;
  /** File named in the rejected-input warning (`{feature}.rejected.jsonl`). */
  readonly rejectedFile?: string;
  /** Terminal columns, when known: error texts are cut shorter so that their lines fit. */
  readonly width?: number;
}

/** Failures listed before the rest are summarised in one line. */
const MAX_FAILURES = 10;
const ERROR_WIDTH = 72;
/** However narrow the terminal, this much of an error is shown. */
const MIN_ERROR_WIDTH = 20;
const BAR_WIDTH = 20;

export function renderStatus(model: StatusModel, options: RenderOptions): string {
  const paint = painter(options.color);
  const out: string[] = [];
  if (model.levelDetail) {
    out.push(...header(`MAHABHARATHA Status: ${safe(model.feature)} · Level ${model.levelDetail.line.level}`, paint));
    out.push('', ...levelLines([model.levelDetail.line], paint), '');
    out.push(...taskTable(model.levelDetail.tasks, paint));
    const errors = model.levelDetail.tasks.filter((t) => t.error);
    if (errors.length) {
      out.push('', 'Errors:');
      for (const t of errors) {
        const prefix = `  ${safe(t.taskId)}: `;
        out.push(`${prefix}${paint('red', errorText(t.error ?? '', ERROR_WIDTH, visibleWidth(prefix), options))}`);
      }
    }
    out.push(...warnings(model, options, paint));
    return `${out.join('\n')}\n`;
  }

  out.push(...header(`MAHABHARATHA Status: ${safe(model.feature)}`, paint));
  out.push(runLine(model, options, paint));
  if (model.runError) out.push(`${paint('red', 'Error:')} ${errorText(model.runError, ERROR_WIDTH * 2, 'Error: '.length, options)}`);
  out.push('', progressLine(model, paint), '');

  out.push('Level Status:');
  const lines = levelLines(model.levels, paint);
  out.push(...(lines.length ? lines : [paint('dim', '  (no levels known)')]));
  if (model.unleveled.taskCount > 0) {
    const u = model.unleveled;
    out.push(`  ${paint('dim', 'No level:')} ${u.completed}/${plural(u.taskCount, 'task')}${u.failed ? `, ${u.failed} failed` : ''} (level not recorded)`);
  }
  out.push('', 'Worker Metrics:');
  out.push(...(model.workers.length ? workerTable(model.workers, paint) : [paint('dim', '  (no workers yet)')]));

  if (model.failures.length) out.push('', ...failureLines(model.failures, options, paint));

  out.push('', totalLine(model));
  out.push(...warnings(model, options, paint));
  return `${out.join('\n')}\n`;
}

/**
 * An error on one line, cut at `max` characters, and shorter when the terminal's width is known
 * and the line (`prefixWidth` columns before the error) would not fit it.
 */
function errorText(error: string, max: number, prefixWidth: number, options: RenderOptions): string {
  const room = options.width === undefined ? max : Math.max(MIN_ERROR_WIDTH, Math.min(max, options.width - prefixWidth));
  return oneLine(error, room);
}

function header(title: string, paint: Paint): string[] {
  return [paint('bold', title), '═'.repeat(visibleWidth(title))];
}

const RUN_STYLE = { pending: 'dim', running: 'yellow', complete: 'green', stopped: 'yellow', failed: 'red', abandoned: 'red' } as const;

/** Beyond this distance from now a time of day alone is ambiguous: the date is shown too. */
const DATE_AFTER_MS = 12 * 3_600_000;

function runLine(model: StatusModel, options: RenderOptions, paint: Paint): string {
  const when = (ms: number): string => (Math.abs(model.now - ms) >= DATE_AFTER_MS ? formatDateTime : formatClock)(ms, options.timeZone);
  const reason = model.runStatus === 'stopped' && model.endReason !== null ? ` (${safe(model.endReason)})` : '';
  const parts = [`Run: ${paint(RUN_STYLE[model.runStatus], model.runStatus.toUpperCase())}${reason}`];
  if (model.runStatus === 'running' && model.currentLevel !== null) parts.push(`level ${model.currentLevel}`);
  if (model.startedAt !== null) parts.push(`started ${when(model.startedAt)}`);
  if (model.endedAt !== null) parts.push(`ended ${when(model.endedAt)}`);
  else if (model.lastEventAt !== null) parts.push(`last event ${when(model.lastEventAt)}`);
  return parts.join(' · ');
}

function progressLine(model: StatusModel, paint: Paint): string {
  const p = model.progress;
  const failed = p.failed ? `, ${paint('red', `${p.failed} failed`)}` : '';
  if (p.total === null || p.fraction === null) {
    return `Progress: ${plural(p.completed, 'task')} complete${failed} ${paint('dim', '(total unknown)')}`;
  }
  const bar = progressBar(p.fraction, BAR_WIDTH);
  const eta = p.etaMs !== null ? ` · ETA ~${formatDuration(p.etaMs)} (estimate)` : '';
  return `Progress: ${paint('green', bar.filled)}${paint('dim', bar.empty)} ${formatPercent(p.fraction)} (${p.completed}/${p.total} tasks${failed})${eta}`;
}

const PHASE: Readonly<Record<LevelPhase, { label: string; style: 'green' | 'yellow' | 'dim' | 'red' }>> = {
  done: { label: '✓ DONE', style: 'green' },
  running: { label: 'RUNNING', style: 'yellow' },
  pending: { label: 'PENDING', style: 'dim' },
  failed: { label: '✗ FAILED', style: 'red' },
  stopped: { label: '■ STOPPED', style: 'yellow' },
};
const PHASE_WIDTH = 10;

function levelLines(levels: readonly LevelLine[], paint: Paint): string[] {
  const labelWidth = Math.max(0, ...levels.map((l) => `Level ${l.level}:`.length));
  const durWidth = Math.max(0, ...levels.map((l) => (l.phase === 'pending' ? 0 : formatDuration(l.durationMs).length)));
  return levels.map((l) => {
    const phase = PHASE[l.phase];
    const label = padEnd(`Level ${l.level}:`, labelWidth);
    const status = paint(phase.style, phase.label);
    if (l.phase === 'pending') {
      const size = l.taskCount > 0 ? ` ${' '.repeat(PHASE_WIDTH - phase.label.length + durWidth)}${paint('dim', `(${plural(l.taskCount, 'task')})`)}` : '';
      return `  ${label} ${status}${size}`;
    }
    return `  ${label} ${padEnd(status, PHASE_WIDTH)}${padEnd(formatDuration(l.durationMs), durWidth)} (${levelCounts(l, paint)})`;
  });
}

function levelCounts(l: LevelLine, paint: Paint): string {
  const parts = [
    l.phase === 'done' && l.completed === l.taskCount
      ? plural(l.taskCount, 'task')
      : `${l.completed}/${plural(l.taskCount, 'task')}${l.sizeKnown ? '' : ' seen'}`,
  ];
  if (l.failed) parts.push(paint('red', `${l.failed} failed`));
  if (l.avgMs !== null) parts.push(`avg=${formatDuration(l.avgMs)}`);
  if (l.p95Ms !== null) parts.push(`p95=${formatDuration(l.p95Ms)}`);
  return parts.join(', ');
}

/** A table with box-drawing borders; cells are padded to their column's widest. */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headings.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const rule = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: readonly string[]): string => `│${widths.map((w, i) => ` ${padEnd(cells[i] ?? '', w)} `).join('│')}│`;
  return [rule('┌', '┬', '┐'), line(headings), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')];
}

function workerTable(workers: readonly WorkerRow[], paint: Paint): string[] {
  return table(
    ['Worker', 'Init', 'Tasks', 'Failed', 'Avg', 'Util', 'Uptime'],
    workers.map((w) => [
      String(w.workerId),
      formatDuration(w.initMs),
      String(w.tasks),
      w.failed ? paint('red', String(w.failed)) : '0',
      formatDuration(w.avgMs),
      formatPercent(w.utilization),
      formatDuration(w.uptimeMs),
    ]),
  );
}

const TASK_STYLE: Readonly<Record<string, 'green' | 'red' | 'yellow' | 'dim'>> = {
  complete: 'green',
  failed: 'red',
  waiting_retry: 'yellow',
  claimed: 'yellow',
  in_progress: 'yellow',
  verifying: 'yellow',
  pending: 'dim',
  todo: 'dim',
};

/**
 * Whether verification was a step of its own: a `rush` task's command is its verification, so
 * there the verification takes the execution's time and a column of it would only repeat it.
 */
const verifiedApart = (tasks: readonly TaskRow[]): boolean =>
  tasks.some((t) => t.verificationMs !== null && formatDuration(t.verificationMs) !== formatDuration(t.executionMs));

function taskTable(tasks: readonly TaskRow[], paint: Paint): string[] {
  if (!tasks.length) return [paint('dim', '  (no tasks known in this level)')];
  const verification = verifiedApart(tasks);
  const headings = ['Task', 'Status', 'Worker', 'Attempts', 'Queue wait', 'Execution', ...(verification ? ['Verification'] : [])];
  const lines = table(
    headings,
    tasks.map((t) => {
      const style = TASK_STYLE[t.status];
      return [
        safe(t.taskId),
        style ? paint(style, t.status) : safe(t.status),
        t.workerId === null ? '-' : String(t.workerId),
        t.attempts === null ? '-' : String(t.attempts),
        formatDuration(t.queueWaitMs),
        formatDuration(t.executionMs),
        ...(verification ? [formatDuration(t.verificationMs)] : []),
      ];
    }),
  );
  const verified = tasks.some((t) => t.verificationMs !== null);
  return verified && !verification ? [...lines, paint('dim', '  Verification: each task’s command is its verification, so it takes the execution time')] : lines;
}

const OUTCOME: Readonly<Record<FailureRow['outcome'], (paint: Paint) => string>> = {
  recovered: (paint) => paint('green', '✓ recovered'),
  retrying: (paint) => paint('yellow', '↻ retrying'),
  failed: (paint) => paint('red', '✗ not recovered'),
  interrupted: (paint) => paint('yellow', '■ interrupted'),
};

function failureLines(failures: readonly FailureRow[], options: RenderOptions, paint: Paint): string[] {
  const shown = failures.slice(-MAX_FAILURES);
  const cells = shown.map((f) => [
    safe(f.taskId),
    `attempt ${f.attempt}`,
    f.workerId === null ? 'worker -' : `worker ${f.workerId}`,
    formatClock(f.ts, options.timeZone),
    OUTCOME[f.outcome](paint),
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...cells.map((c) => visibleWidth(c[i] ?? ''))));
  const out = ['Failures and retries:'];
  if (failures.length > shown.length) out.push(paint('dim', `  … ${failures.length - shown.length} earlier not shown`));
  shown.forEach((f, row) => {
    const c = cells[row] ?? [];
    const prefix = `  ${widths.map((w, i) => padEnd(c[i] ?? '', w)).join('  ')}  `;
    out.push(`${prefix}${f.error ? errorText(f.error, ERROR_WIDTH, visibleWidth(prefix), options) : '-'}`);
  });
  return out;
}

function totalLine(model: StatusModel): string {
  const t = model.totals;
  const tasks = t.total === null ? `${t.completed}` : `${t.completed}/${t.total}`;
  const failed = t.failed ? ` (${t.failed} failed)` : '';
  // A resumed run's wall time holds the gap it was stopped for: the active time is shown beside it.
  const active = t.activeDurationMs !== null && t.durationMs !== null && t.activeDurationMs < t.durationMs ? ` (active ${formatDuration(t.activeDurationMs)})` : '';
  return `Total: ${formatDuration(t.durationMs)}${active} | Workers: ${t.workers} | Tasks: ${tasks}${failed}`;
}

function warnings(model: StatusModel, options: RenderOptions, paint: Paint): string[] {
  const lines = [...silence(model), ...ingestLines(model.ingest, model.badLines, options), ...loadWarnings(model.warnings, model.moreWarnings)];
  return lines.length ? ['', ...lines.map((l) => paint('yellow', l))] : [];
}

function silence(model: StatusModel): string[] {
  if (model.silentForMs === null) return [];
  return [`⚠ no event for ${formatDuration(model.silentForMs)}: the orchestrator may have stopped without recording it`];
}

/** Load warnings shown before the rest are summarised (each bad line is also in the counts above). */
const MAX_WARNINGS = 5;
const WARNING_WIDTH = 160;

function loadWarnings(warnings: readonly string[], more: number): string[] {
  const shown = warnings.slice(0, MAX_WARNINGS).map((w) => `⚠ ${oneLine(w, WARNING_WIDTH)}`);
  const rest = Math.max(0, warnings.length - MAX_WARNINGS) + more;
  return rest > 0 ? [...shown, `⚠ … ${plural(rest, 'more warning')}`] : shown;
}

function ingestLines(ingest: IngestSummary, badLines: readonly string[], options: RenderOptions): string[] {
  const lines: string[] = [];
  if (ingest.rejected > 0) {
    const reasons = ingest.byReason.map(([reason, n]) => `${safe(reason)} ${n}`).join(', ');
    const where = options.rejectedFile ? `; see ${safe(options.rejectedFile)}` : '';
    lines.push(`⚠ ${plural(ingest.rejected, 'input line')} rejected (${reasons}${where})${badLines.length > 0 ? ':' : ''}`);
    // The first few, where and why: each rejected line is told here once.
    lines.push(...badLines.slice(0, MAX_WARNINGS).map((b) => `    ${oneLine(safe(b), WARNING_WIDTH)}`));
  }
  if (ingest.notes.length) lines.push(`⚠ ${ingest.notes.map(([label, n]) => `${n} ${label}`).join(', ')}`);
  return lines;
}

/** What a feature's task graph holds, for a feature that has not run yet. */
export function renderGraphSummary(graph: TaskGraph, options: { readonly color: boolean; readonly graphPath: string }): string {
  const paint = painter(options.color);
  const byLevel = new Map<number, string[]>();
  for (const task of graph.tasks) byLevel.set(task.level, [...(byLevel.get(task.level) ?? []), task.id]);
  const levels = [...byLevel.entries()].sort((a, b) => a[0] - b[0]);
  const out = header(`MAHABHARATHA Status: ${safe(graph.feature)}`, paint);
  out.push(
    `Run: ${paint('dim', 'NOT STARTED')} · task graph ${safe(options.graphPath)}`,
    '',
    `Plan: ${plural(graph.tasks.length, 'task')} in ${plural(levels.length, 'level')} (widths ${levels.map(([, ids]) => ids.length).join('-') || '-'})`,
    '',
  );
  const labelWidth = Math.max(0, ...levels.map(([level]) => `Level ${level}:`.length));
  const countWidth = Math.max(0, ...levels.map(([, ids]) => plural(ids.length, 'task').length));
  for (const [level, ids] of levels) {
    out.push(`  ${padEnd(`Level ${level}:`, labelWidth)} ${padEnd(plural(ids.length, 'task'), countWidth)}  ${oneLine(ids.join(', '), ERROR_WIDTH)}`);
  }
  out.push('', `Start it with: mahabharatha rush --graph ${safe(options.graphPath)}`);
  return `${out.join('\n')}\n`;
}
