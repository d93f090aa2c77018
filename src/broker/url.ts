/**
 * The broker address (DESIGN §9): `--broker redis://HOST:PORT[/DB]`, else `$MAHABHARATHA_BROKER`.
 * Parsed at the edge into what the client needs; anything else is a usage mistake, said plainly.
 */
import * as E from 'fp-ts/Either';

export interface BrokerUrl {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  /** As given, for messages. */
  readonly text: string;
}

export const BROKER_ENV = 'MAHABHARATHA_BROKER';

export function parseBrokerUrl(text: string): E.Either<string, BrokerUrl> {
  const bad = (why: string): E.Either<string, never> => E.left(`--broker ${JSON.stringify(text)}: ${why} (expected redis://HOST:PORT[/DB])`);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'redis:') return bad(`unsupported scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))}`);
  if (url.hostname === '') return bad('no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) return bad(`database ${JSON.stringify(dbText)} is not a number`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return bad('credentials, queries and fragments are not supported');
  // IPv6 literals come bracketed from URL; the client wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return E.right({ host, port, db: dbText === '' ? 0 : Number(dbText), text: text.trim() });
}

/** The broker a command uses: its flag, else the environment; none when neither says one. */
export function brokerFrom(flag: string | undefined, env: NodeJS.ProcessEnv): E.Either<string, BrokerUrl | null> {
  const text = flag ?? env[BROKER_ENV];
  if (text === undefined || text.trim() === '') return E.right(null);
  return parseBrokerUrl(text);
}
