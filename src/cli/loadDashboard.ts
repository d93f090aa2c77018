/**
 * The dashboard module, loaded only by `status --watch` and `demo`: blessed is an optional peer
 * dependency (a program that uses the library or the one-shot `status` does not need it), so
 * where it is missing the user is told how to get it.
 */
import { RuntimeError } from './exit';

type Dashboard = typeof import('../views/dashboard');

const OPTIONAL = ['blessed'] as const;

/** The optional package a failed load was missing, if that is why it failed. */
export function missingOptional(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (e?.code !== 'MODULE_NOT_FOUND') return null;
  return OPTIONAL.find((name) => new RegExp(`Cannot find module '${name}(/[^']*)?'`).test(e.message)) ?? null;
}

export const missingDashboardMessage = (name: string): string =>
  `the live dashboard needs the optional package ${name}: install it with \`npm install ${name}\` (\`mahabharatha status\` and \`status --json\` work without it)`;

/** The dashboard, or a RuntimeError (exit 1) that says what to install. */
export async function loadDashboard(): Promise<Dashboard> {
  try {
    return await import('../views/dashboard');
  } catch (err) {
    const missing = missingOptional(err);
    if (missing !== null) throw new RuntimeError(missingDashboardMessage(missing));
    throw err;
  }
}
