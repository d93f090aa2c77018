/**
 * Hostile text for the terminal-injection tests: a payload that writes the clipboard (OSC 52),
 * retitles the window (OSC 0), clears the screen (CSI, and its one-byte C1 form), reverses text
 * (a bidi override) and carries other C0 bytes; and what must never reach a terminal.
 */
import * as fs from 'node:fs';
import { eventsPath, statePath } from '../../src/state/layout';

export const PAYLOAD = '\u001b]52;c;cHduZWQ=\u0007\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e\u2066\u0000\u0008\r';

/** ESC, BEL and every other C0 byte but tab and line feed, DEL, C1, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** Our own colours: SGR sequences and nothing else. */
// eslint-disable-next-line no-control-regex
const OWN_SGR = /\u001b\[[0-9;]*m/g;

/** The first forbidden character in `text` (after removing our own SGR when `sgr`), with its context; null when clean. */
export function firstForbidden(text: string, { sgr = false } = {}): string | null {
  const plain = sgr ? text.replace(OWN_SGR, '') : text;
  const m = FORBIDDEN.exec(plain);
  if (!m) return null;
  return `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(plain.slice(Math.max(0, m.index - 40), m.index + 20))}`;
}

const at = (s: number): string => new Date(Date.UTC(2026, 0, 27, 8, 0, s)).toISOString();

/**
 * An events log in which every string field of every event type (envelope and payload) carries
 * the payload, plus an unknown type and a malformed line that do.
 */
export function hostileLog(): string {
  const p = (tag: string): string => `${tag}${PAYLOAD}`;
  const id = p('T1');
  const env = (s: number, type: string, data: Record<string, unknown>, seq: number): string =>
    JSON.stringify({ timestamp: at(s), type, data, feature: p('feat'), producer: p('prod'), seq });
  const lines = [
    env(0, 'rush_started', { workers: 1, total_tasks: 2, reason: p('why') }, 1),
    env(1, 'worker_started', { worker_id: 1 }, 2),
    env(1, 'worker_ready', { worker_id: 1 }, 3),
    env(1, 'level_started', { level: 1, tasks: [id, p('T2')] }, 4),
    env(1, 'task_created', { task_id: id, level: 1 }, 5),
    env(1, 'task_created', { task_id: p('T2'), level: 1 }, 6),
    env(2, 'task_claimed', { task_id: id, worker_id: 1 }, 7),
    env(2, 'task_started', { task_id: id, worker_id: 1 }, 8),
    env(3, 'task_failed', { task_id: id, worker_id: 1, error: p('boom') }, 9),
    env(3, 'task_retry_scheduled', { task_id: id, retry_count: 1, next_retry_at: p('later') }, 10),
    env(4, 'task_claimed', { task_id: id, worker_id: 1 }, 11),
    env(4, 'task_started', { task_id: id, worker_id: 1 }, 12),
    env(5, 'verification_failed', { task_id: id, worker_id: 1, duration_ms: 5 }, 13),
    env(5, 'verification_passed', { task_id: id, worker_id: 1, duration_ms: 5 }, 14),
    env(5, 'task_complete', { task_id: id, worker_id: 1, duration_ms: 900 }, 15),
    env(6, 'task_claimed', { task_id: p('T2'), worker_id: 1 }, 16),
    env(6, 'task_started', { task_id: p('T2'), worker_id: 1 }, 17),
    env(7, 'task_failed', { task_id: p('T2'), worker_id: 1, error: p('second') }, 18),
    env(8, 'worker_crashed', { worker_id: 1, error: p('crash') }, 19),
    env(8, 'worker_started', { worker_id: 2 }, 20),
    env(9, 'worker_stopped', { worker_id: 2, error: p('stop') }, 21),
    env(9, 'level_complete', { level: 1 }, 22),
    env(9, p('unknown_type'), { task_id: id }, 23),
    env(10, 'rush_stopped', { reason: p('why') }, 24),
    env(10, 'rush_completed', { reason: p('why') }, 25),
    `{"timestamp": "${p('bad').replace(/[\u0000-\u001f"\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}", "type": "task_created"}`,
    `not json ${PAYLOAD}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A state file of `feature` in which every other string key and value the format has carries the payload. */
export function hostileState(feature: string): string {
  const p = (tag: string): string => `${tag}${PAYLOAD}`;
  return `${JSON.stringify(
    {
      feature,
      started_at: at(0),
      current_level: 1,
      tasks: {
        [p('S1')]: { status: 'failed', worker_id: p('w'), error: p('state-error'), level: 1, created_at: at(0), claimed_at: at(1), started_at: at(1), failed_at: at(2), updated_at: p('stamp') },
        [p('S2')]: { status: 'complete', worker_id: 1, level: 1, created_at: at(0), claimed_at: at(1), started_at: at(1), completed_at: at(3), duration_ms: 2000 },
      },
      workers: { '1': { status: 'running', worker_id: 1, current_task: p('S1'), started_at: at(0), ready_at: at(0) }, [p('w')]: { status: 'idle' } },
      levels: { '1': { status: 'running', started_at: at(0) }, [p('L')]: { status: 'pending' } },
      execution_log: [{ timestamp: at(1), event: p('event'), data: { [p('k')]: p('v') } }],
      metrics: { [p('m')]: p('v') },
      paused: false,
      error: p('run-error'),
      [p('extra')]: p('value'),
    },
    null,
    2,
  )}\n`;
}

/** A state dir holding both: a feature with the hostile log, one with the hostile state file. */
export function writeHostileStateDir(stateDir: string): { logFeature: string; stateFeature: string } {
  fs.mkdirSync(stateDir, { recursive: true });
  const logFeature = 'hostile-log';
  const stateFeature = 'hostile-state';
  fs.writeFileSync(eventsPath(stateDir, logFeature), hostileLog());
  fs.writeFileSync(statePath(stateDir, stateFeature), hostileState(stateFeature));
  // A feature whose very name is hostile (a file name can hold anything but `/` and NUL).
  const named = `evil${PAYLOAD.replace(/[\u0000\r]/g, '')}`;
  fs.writeFileSync(statePath(stateDir, named), hostileState(named));
  return { logFeature, stateFeature };
}
