/** Exit codes (DESIGN §6) and the error a command throws for a user mistake. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** A wrong flag or argument: reported in one line, exit 2, never a stack trace. */
export class UsageError extends Error {}

/** A runtime problem the user can act on (no state dir, unknown feature): one message, exit 1. */
export class RuntimeError extends Error {}
