/**
 * The HTTP side of `status --serve` and `rush --metrics-port`: `GET /metrics` answers the
 * registry's exposition text, any other path 404 and any other method 405; read-only, any number of
 * scrapers. A port that cannot be listened on is one clear line (RuntimeError, exit 1).
 */
import * as http from 'node:http';
import type { Registry } from 'prom-client';
import { RuntimeError, UsageError } from './exit';

export const DEFAULT_HOST = '127.0.0.1';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export function checkPort(port: number, flag: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag} ${port}: a port is 1–65535`);
}

const WHY: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use (another server, or another run, listens there)',
  EACCES: 'not allowed to listen there (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'no such host name',
};

export function startMetricsServer(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }).end('only GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`cannot collect the metrics: ${(err as Error).message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new RuntimeError(`cannot serve metrics on ${host}:${port}: ${WHY[err.code ?? ''] ?? err.message}`));
    });
    server.listen(port, host, () => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
