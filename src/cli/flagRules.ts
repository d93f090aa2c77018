/**
 * Flags that only make sense with another one (`--interval` sets the dashboard's refresh, so it
 * means nothing without `--watch`). Such a flag given alone would be silently ignored, so it is
 * refused instead: a usage error (exit 2) that names the flag it needs. A new flag of the kind
 * joins by adding one rule; flags that cannot go together use commander's own `conflicts`.
 */
import type { Command } from 'commander';

export interface NeedsRule {
  /** The option that is refused alone, by its attribute name (`stallAfter` for `--stall-after`). */
  readonly option: string;
  /** The option it needs, by attribute name; of several, any one will do. */
  readonly needs: string | readonly string[];
  /** What the option does, to say why it needs the other. */
  readonly because: string;
}

/** Whether the user gave the option (on the command line or through an environment variable). */
function given(command: Command, key: string): boolean {
  const source = command.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}

/** The flag as the user types it (`--stall-after`). */
function flagOf(command: Command, key: string): string {
  const option = command.options.find((o) => o.attributeName() === key);
  return option?.long ?? option?.short ?? key;
}

/** The first rule the given flags break, as the message to print, or null when none is broken. */
export function brokenRule(command: Command, rules: readonly NeedsRule[]): string | null {
  for (const rule of rules) {
    const needs = typeof rule.needs === 'string' ? [rule.needs] : rule.needs;
    if (given(command, rule.option) && !needs.some((key) => given(command, key))) {
      return `${flagOf(command, rule.option)} only makes sense with ${needs.map((key) => flagOf(command, key)).join(' or ')} (${rule.because})`;
    }
  }
  return null;
}

/** Checks `rules` before the command's action runs; a broken one is a usage error (exit 2). */
export function requireCompanions(command: Command, rules: readonly NeedsRule[]): Command {
  return command.hook('preAction', (_hooked, actionCommand) => {
    const problem = brokenRule(actionCommand, rules);
    if (problem !== null) actionCommand.error(problem, { exitCode: 2, code: 'mahabharatha.flagNeedsAnother' });
  });
}
