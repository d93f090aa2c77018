/**
 * `mahabharatha status --serve`, in this process: what it prints on stderr about bad input
 * reaches the terminal escaped (`printable`), like every other command's warnings. Its scrape by
 * a real Prometheus is in prometheus.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { serveCommand } from '../../src/cli/serve';
import { EXIT } from '../../src/cli/exit';
import { eventsPath } from '../../src/state/layout';
import { freePort } from '../helpers/freePort';
import { waitUntil } from '../helpers/waitUntil';
import { withTempDir } from '../helpers/tempDir';

const serve = suite('status --serve');

/** A terminal title change (OSC 0), as input can carry it. */
const PAYLOAD = '\u001b]0;pwned\u0007';
/** ESC, BEL and every other C0 byte but tab and line feed, DEL, C1. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

serve('prints its warnings about bad lines of the log escaped', async () => {
  await withTempDir(async (dir) => {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    // A file name can hold anything but `/` and NUL: the feature's name, in the log's path that the
    // warning gives, carries the payload, and so does the bad line.
    const feature = `served${PAYLOAD}`;
    fs.writeFileSync(eventsPath(stateDir, feature), `not json ${PAYLOAD}\n`);
    const port = await freePort();

    let stderr = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array): boolean => {
      stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stderr.write;
    let ended: { code: number } | { error: unknown } | null = null;
    try {
      const served = serveCommand({ feature, stateDir, color: false, serve: port, host: '127.0.0.1' }).then(
        (code) => (ended = { code }),
        (error: unknown) => (ended = { error }),
      );
      try {
        await waitUntil('the warning about the bad line', () => ended !== null || stderr.includes('skipped a bad line'));
      } finally {
        // What SIGTERM would do: serve stops, closing its server and its processor.
        process.emit('SIGTERM', 'SIGTERM');
        await served;
      }
    } finally {
      process.stderr.write = write;
    }
    assert.equal(ended, { code: EXIT.sigterm }, stderr);
    const warning = stderr.split('\n').find((l) => l.includes('skipped a bad line')) ?? '';
    assert.ok(warning.startsWith('mahabharatha: skipped a bad line'), warning);
    // The payload is shown, escaped: a reader sees it, the terminal does not act on it.
    assert.ok(warning.includes('served\\x1b]0;pwned\\x07-events.jsonl'), warning);
    assert.is(FORBIDDEN.exec(stderr), null, JSON.stringify(stderr));
  });
});

serve.run();
