/**
 * Upstream's worker heartbeats: each worker of the Python orchestrator rewrites
 * `heartbeat-{worker_id}.json` in the state directory every few seconds. For an upstream run they
 * are what `worker_heartbeat` events are for ours (DESIGN §3.2), so that STALLED and `abandoned`
 * mean the same on both: a heartbeat's time is its `timestamp` (else the file's modification
 * time), its worker the number in the file name. Read-only; a file that does not parse is skipped.
 */
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LifecycleEvent } from '../events/codecs';
import { WorkerId } from '../events/codecs';
import { parseTimestamp, type TimestampOptions } from '../events/timestamp';

const HEARTBEAT_FILE = /^heartbeat-(\d+)\.json$/;

/** Remembers the file versions read; `read()` returns a heartbeat event per file that changed. */
export class HeartbeatFiles {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly options: TimestampOptions = {},
  ) {}

  read(): LifecycleEvent[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: LifecycleEvent[] = [];
    for (const name of names) {
      const id = HEARTBEAT_FILE.exec(name)?.[1];
      if (id === undefined) continue;
      const workerId = WorkerId.decode(Number(id));
      if (E.isLeft(workerId)) continue;
      const event = this.readOne(path.join(this.dir, name), workerId.right);
      if (event !== null) out.push(event);
    }
    return out;
  }

  private readOne(file: string, workerId: number): LifecycleEvent | null {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (this.seen.get(file) === version) return null;
    this.seen.set(file, version);
    let body: unknown;
    try {
      body = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return null;
    }
    if (typeof body !== 'object' || body === null) return null;
    const { timestamp, task_id: taskId } = body as { timestamp?: unknown; task_id?: unknown };
    const stamped = typeof timestamp === 'string' ? parseTimestamp(timestamp, this.options) : E.left('no timestamp');
    const ts = E.isRight(stamped) ? stamped.right : Math.trunc(st.mtimeMs);
    return { type: 'worker_heartbeat', ts, data: typeof taskId === 'string' ? { workerId, taskId } : { workerId } };
  }
}
