#!/usr/bin/env node
/**
 * The `mahabharatha` command. Parsing and exit codes live here; each command is a module loaded
 * only when used (the dashboard's blessed must not slow the one-shot `status`).
 * Exit codes (DESIGN §6): 0 ok, 1 runtime error, 2 usage error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { printable } from '../events/printable';
import { EXIT, RuntimeError, UsageError } from './exit';
import { requireCompanions, type NeedsRule } from './flagRules';
import type { MetricsExportOptions } from './metricsExport';
import type { DemoOptions, RushOptions, StatusOptions } from './options';
import { survivePipeClose, writeRaw } from './terminal';
import type { WorkerCommandOptions } from './worker';

/** Every message to the user starts the same way, commander's own (`error: …`) included. */
const PREFIX = 'mahabharatha: ';
const prefixed = (text: string): string => (text.startsWith(PREFIX) ? text : `${PREFIX}${text.replace(/^error: /, '')}`);

/** `status` flags that mean something only with another (DESIGN §6, §7). */
const STATUS_NEEDS: readonly NeedsRule[] = [
  { option: 'interval', needs: 'watch', because: 'it is the dashboard’s refresh interval' },
  { option: 'stallAfter', needs: ['watch', 'check'], because: 'the dashboard and the check name stalled workers' },
  { option: 'host', needs: 'serve', because: 'it is the address the metrics are served on' },
];

const intArg =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };

/** Runs a command's action and turns its outcome (an exit code, or an error) into the exit code. */
type Runner = (task: () => Promise<number>) => void;

function buildProgram(run: Runner): Command {
  const program = new Command('mahabharatha')
    .description('Run a feature’s tasks on parallel workers and see where the time goes.')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    // Set before the commands are added: they inherit it.
    .configureOutput({ outputError: (text, write) => write(prefixed(text)) })
    .exitOverride();
  addStatusCommand(program, run);
  addRushCommand(program, run);
  addWorkerCommand(program, run);
  addDemoCommand(program, run);
  addMetricsCommand(program, run);
  return program;
}

/** `status`: one-shot, `--json`, `--watch`, `--check`, `--task`, `--serve`; each mode a module of its own. */
function addStatusCommand(program: Command, run: Runner): void {
  const status = program
    .command('status')
    .description('show a feature’s progress and worker metrics (one-shot, --json, or --watch)')
    .option('-f, --feature <name>', 'feature (default: $MAHABHARATHA_FEATURE, else the newest in the state dir)')
    .option('--state-dir <dir>', 'state directory', undefined)
    .option('--naive-tz <zone>', 'time zone of timestamps written without one (default: this machine’s)')
    .addOption(new Option('--level <n>', 'show the tasks of one level (text or --json)').argParser(intArg(0)).conflicts('watch'))
    .option('--no-color', 'plain text, no colour (also when NO_COLOR is set)')
    .addOption(new Option('--json', 'print one JSON document').conflicts('watch'))
    .option('-w, --watch', 'live dashboard (a terminal is required)')
    .option('--interval <ms>', 'dashboard refresh interval in ms (minimum 200; with --watch)', intArg(200))
    .option('--stall-after <s>', 'flag a worker whose heartbeats stopped this many seconds ago as stalled (with --watch, --check)', intArg(1))
    .option('--broker <url>', 'read the run from a broker, redis://HOST:PORT[/DB] (default: $MAHABHARATHA_BROKER)')
    .addOption(new Option('--check', 'exit 0 complete, 3 failed, 4 stopped/abandoned, 5 running with a stalled worker, 6 running').conflicts('watch'))
    .addOption(new Option('--task <id>', 'one task: its attempts and the tail of their output').conflicts(['watch', 'json', 'check']))
    .addOption(new Option('--serve <port>', 'serve the metrics for Prometheus on http://HOST:PORT/metrics, following the run').argParser(intArg(1)).conflicts(['watch', 'json', 'check', 'task']))
    .option('--host <address>', 'address --serve listens on', '127.0.0.1')
    .action((opts: StatusOptions) => run(() => statusCommand(opts)));
  requireCompanions(status, STATUS_NEEDS);
}

async function statusCommand(opts: StatusOptions): Promise<number> {
  if (opts.serve !== undefined) return (await import('./serve')).serveCommand(opts);
  if (opts.task !== undefined) return (await import('./statusTask')).statusTaskCommand(opts, opts.task);
  if (opts.check) return (await import('./statusCheck')).statusCheckCommand(opts);
  if (opts.watch) return (await import('./watch')).watchCommand(opts);
  if (opts.json) return (await import('./statusJson')).statusJsonCommand(opts);
  return (await import('./statusText')).statusTextCommand(opts);
}

function addRushCommand(program: Command, run: Runner): void {
  program
    .command('rush')
    .alias('kurukshetra')
    .description('execute a task graph on parallel worker processes')
    .option('-g, --graph <file>', 'task graph (upstream task-graph.json format)')
    .option('-n, --workers <n>', 'number of worker processes (at most the widest level’s tasks, and 256; 0 with --broker: workers join from elsewhere)', intArg(0), 3)
    .option('-f, --feature <name>', 'feature name (default: the graph’s `feature`)')
    .option('--broker <url>', 'queue tasks and publish events on a broker, redis://HOST:PORT[/DB] (default: $MAHABHARATHA_BROKER)')
    .option('--claim-timeout <s>', 'with a broker: a task whose worker is silent this long is taken over', intArg(1), 30)
    .option('-r, --retries <n>', 'retries of a failed task', intArg(0), 2)
    .option('--state-dir <dir>', 'state directory')
    .option('--resume', 'continue a stopped run, skipping completed tasks')
    .option('--cwd <dir>', 'directory the task commands run in (default: the current directory)')
    .option('--metrics-port <port>', 'serve the run’s metrics for Prometheus on http://HOST:PORT/metrics', intArg(1))
    .option('--host <address>', 'address --metrics-port listens on', '127.0.0.1')
    .action((opts: RushOptions) => run(async () => (await import('./rush')).rushCommand(opts)));
}

function addWorkerCommand(program: Command, run: Runner): void {
  program
    .command('worker')
    .description('join a run from any host through its broker: claim tasks, run them, report every moment')
    .option('--broker <url>', 'the run’s broker, redis://HOST:PORT[/DB] (default: $MAHABHARATHA_BROKER)')
    .option('-f, --feature <name>', 'feature of the run to join (default: $MAHABHARATHA_FEATURE)')
    .option('--slots <k>', 'tasks run at once (each slot is a worker of its own)', intArg(1), 1)
    .option('--cwd <dir>', 'directory task commands run in (default: this one)')
    .option('--claim-timeout <s>', 'take over a task whose worker has been silent this long', intArg(1), 30)
    .action((opts: WorkerCommandOptions) => run(async () => (await import('./worker')).workerCommand(opts)));
}

function addDemoCommand(program: Command, run: Runner): void {
  program
    .command('demo')
    .description('run the bundled demo graph (8 tasks, 4 levels) and show it')
    .option('-n, --workers <n>', 'number of worker processes', intArg(1), 3)
    .option('--state-dir <dir>', 'state directory (default: a new temporary directory)')
    .action((opts: DemoOptions) => run(async () => (await import('./demo')).demoCommand(opts)));
}

function addMetricsCommand(program: Command, run: Runner): void {
  program
    .command('metrics')
    .description('metrics utilities')
    .command('export')
    .description('write a feature’s metrics: FeatureMetrics JSON, a Chrome trace, or a CSV of its task attempts')
    .option('-f, --feature <name>', 'feature')
    .option('--state-dir <dir>', 'state directory')
    .option('--naive-tz <zone>', 'time zone of naive timestamps')
    .option('-o, --out <file>', 'output file, or - for stdout (default: stdout)')
    .addOption(new Option('--format <format>', 'json: FeatureMetrics; trace: Chrome trace-event JSON (Perfetto); csv: one row per task attempt').choices(['json', 'trace', 'csv']).default('json'))
    .option('--broker <url>', 'read the run from a broker, redis://HOST:PORT[/DB] (default: $MAHABHARATHA_BROKER)')
    .action((opts: MetricsExportOptions) => run(async () => (await import('./metricsExport')).metricsExportCommand(opts)));
}

export function main(argv: string[]): void {
  // A reader that goes away (`| head -1`) ends the printing, never the command.
  survivePipeClose(process.stdout);
  survivePipeClose(process.stderr);
  const run: Runner = (task) => {
    task().then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        if (err instanceof UsageError || err instanceof RuntimeError) {
          writeRaw(process.stderr, `${PREFIX}${printable(err.message)}\n`);
          process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.runtime;
        } else {
          // A bug, not a user mistake: fail loudly, with the stack.
          writeRaw(process.stderr, `${PREFIX}internal error: ${printable((err as Error)?.stack ?? String(err))}\n`);
          process.exitCode = EXIT.runtime;
        }
      },
    );
  };
  try {
    buildProgram(run).parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; any other parse error is a usage error
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw err;
  }
}

if (require.main === module) main(process.argv);
