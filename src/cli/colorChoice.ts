/** Whether a command colours its output (DESIGN §6): only when wanted, and (for text) only on a terminal. */
import type { StatusOptions } from './options';

/** Colour unless `--no-color` or NO_COLOR (any non-empty value) says otherwise. */
export const wantsColor = (opts: Pick<StatusOptions, 'color'>, env: NodeJS.ProcessEnv): boolean =>
  opts.color !== false && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
