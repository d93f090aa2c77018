/** What the JSON commands (`status --json`, `status --check`, `metrics export`) touch of the outside world; tests pass their own. */
export interface JsonCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

export const processIo = (): JsonCommandIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now });
