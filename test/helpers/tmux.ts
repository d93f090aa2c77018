/**
 * Driving a real terminal through tmux in end-to-end tests: a tmux server of the test's own (its
 * own socket, away from any the user runs), pane captures, and waiting for a pane to show something.
 */
import { spawnSync } from 'node:child_process';
import { waitUntil } from './waitUntil';

/** The environment without the user's tmux session in it. */
export const TMUX_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'TMUX' && k !== 'TMUX_PANE'));

/** Why tmux cannot run these tests here, or null when it can. */
export function tmuxMissing(): string | null {
  const run = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    return 'tmux is not installed: this end-to-end dashboard test needs it (.ci/run installs it; or `apt-get install tmux`)';
  }
  const version = /tmux (?:next-)?(\d+\.\d+)/.exec(run.stdout)?.[1];
  return version !== undefined && Number(version) < 2.9 ? `tmux ${version} is too old for this test (resize-window needs 2.9)` : null;
}

export interface WaitOptions {
  /** Read the pane with its colours and attributes as escape sequences (`capture-pane -e`). */
  readonly styled?: boolean;
}

export interface TmuxServer {
  tmux(...args: string[]): string;
  alternateOn(target: string): boolean;
  /** Polls the pane until `test` accepts it (a dashboard redraws on its own clock). */
  waitForPane<T>(target: string, what: string, test: (pane: string) => T | null | undefined | false, options?: WaitOptions): Promise<T>;
  kill(): void;
}

/** A tmux server of its own, on socket `socket` (include the branch or pid: unique per test run). */
export function tmuxServer(socket: string): TmuxServer {
  const tmux = (...args: string[]): string => {
    const run = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: TMUX_ENV });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  const capture = (target: string): string => tmux('capture-pane', '-p', '-t', target);
  const captureStyled = (target: string): string => tmux('capture-pane', '-p', '-e', '-t', target);
  return {
    tmux,
    alternateOn: (target) => tmux('display-message', '-p', '-t', target, '#{alternate_on}').trim() === '1',
    waitForPane: (target, what, test, options = {}) => {
      let pane = '';
      const read = (): string => (pane = options.styled ? captureStyled(target) : capture(target));
      return waitUntil(what, () => test(read()), { everyMs: 100 }).catch((err: Error) => {
        throw new Error(`${err.message}; the pane shows:\n${pane}`);
      });
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: TMUX_ENV });
    },
  };
}
