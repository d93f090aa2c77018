/**
 * A real `redis-server` for a test (the Debian package; `.ci/run` installs it): on a free
 * 127.0.0.1 port, no RDB snapshots, its append-only file in a temp dir of its own, stopped after.
 * `restart()` stops it (SIGTERM: the AOF is flushed) and starts it again on the same port and files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './freePort';
import { makeTempDir, removeTempDir } from './tempDir';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'];
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${REDIS_SERVER} (apt-get install -y redis-server): ${err.message}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(): Promise<RedisServer> {
  const dir = makeTempDir('mahabharatha-redis-');
  const port = await freePort();
  let child = await launch(port, dir);
  const halt = async (): Promise<void> => {
    child.kill('SIGTERM');
    await ended(child);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await halt();
      child = await launch(port, dir);
    },
    stop: async () => {
      await halt();
      removeTempDir(dir);
    },
  };
}
