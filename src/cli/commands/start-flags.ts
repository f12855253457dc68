// The flags of `shoal start`, one row each, keyed by the process-file key the flag sets (PM2's name).
// The start command registers its options from this table and turns the flags given into a raw app
// entry, which config/ normalizes and validates exactly like an app of a process file. A new PM2 flag
// is one row here (and its line in docs/cli.md, which test/start-flags.test.ts checks).
import { type Command, Option } from 'commander';

export interface StartFlag {
  /** Commander's spelling: short and long name and the value, if any ('-i, --instances <n>', '--no-treekill'). */
  readonly flags: string;
  /** The line `shoal start --help` shows. */
  readonly help: string;
  /** Other spellings of the same flag, listed right after it; the main spelling wins when both are given. */
  readonly aliases?: readonly { readonly flags: string; readonly help: string }[];
  /**
   * Turns what commander parsed into the key's value where a plain copy would not do. Numbers, durations
   * and sizes stay strings: the process-file schema converts and checks them, so a bad flag value is
   * reported like a bad key. A `--no-<key>` flag needs nothing: commander already parses it as false.
   */
  readonly toValue?: (parsed: string | boolean) => unknown;
  /** The flag shapes the start command itself (which apps, which env overlay, how to print), not the app. */
  readonly cliOnly?: true;
}

/** A list flag ("a,b") as an array, empty items dropped; a flag given without a value stays true. */
const list =
  (separator: RegExp) =>
  (parsed: string | boolean): unknown =>
    typeof parsed === 'string' ? parsed.split(separator).filter((item) => item !== '') : parsed;

/** In `shoal start --help` order. */
export const START_FLAGS: Readonly<Record<string, StartFlag>> = {
  name: { flags: '-n, --name <name>', help: 'app name (default: script name)' },
  instances: {
    flags: '-i, --instances <n>',
    help: 'number of instances: N, max, or -N (CPUs minus N); implies cluster mode for Node',
  },
  exec_mode: { flags: '--exec-mode <mode>', help: 'fork or cluster' },
  interpreter: { flags: '--interpreter <path>', help: 'interpreter (node, python3, none, ...)' },
  interpreter_args: {
    flags: '--interpreter-args <args>',
    help: 'arguments for the interpreter',
    aliases: [{ flags: '--node-args <args>', help: 'alias of --interpreter-args' }],
  },
  cwd: { flags: '--cwd <dir>', help: 'working directory of the app' },
  env_name: { flags: '--env <name>', help: 'apply env_<name> from the process file', cliOnly: true },
  only: {
    flags: '--only <apps>',
    help: 'with a process file: only these apps (comma separated)',
    cliOnly: true,
  },
  namespace: { flags: '--namespace <ns>', help: 'namespace of the app' },
  watch: { flags: '--watch [paths]', help: 'restart on file changes', toValue: list(/,/) },
  ignore_watch: {
    flags: '--ignore-watch <paths>',
    help: 'paths or globs the watcher ignores (comma or space separated)',
    toValue: list(/[\s,]+/),
  },
  watch_delay: { flags: '--watch-delay <ms>', help: 'wait this long after a change before restarting' },
  max_memory_restart: {
    flags: '--max-memory-restart <size>',
    help: 'restart when memory exceeds this (e.g. 300M)',
  },
  kill_timeout: { flags: '-k, --kill-timeout <ms>', help: 'ms between the stop signal and SIGKILL' },
  kill_signal: { flags: '--kill-signal <signal>', help: 'signal that asks the app to stop (default SIGINT)' },
  restart_delay: { flags: '--restart-delay <ms>', help: 'delay before restarting a crashed process' },
  exp_backoff_restart_delay: {
    flags: '--exp-backoff-restart-delay <ms>',
    help: 'first delay of an exponential restart backoff',
  },
  max_restarts: {
    flags: '--max-restarts <n>',
    help: 'unstable restarts before the process is marked errored',
  },
  min_uptime: { flags: '--min-uptime <duration>', help: 'a run shorter than this counts as unstable' },
  autorestart: { flags: '--no-autorestart', help: 'do not restart the app when it exits' },
  autostart: { flags: '--no-autostart', help: 'register the app without starting it (start it later)' },
  stop_exit_codes: {
    flags: '--stop-exit-codes <codes>',
    help: 'exit codes that do not trigger a restart (comma separated)',
    toValue: list(/[\s,]+/),
  },
  wait_ready: { flags: '--wait-ready', help: 'wait for the app to signal ready' },
  listen_timeout: { flags: '--listen-timeout <ms>', help: 'how long to wait for ready/listening' },
  balancer: {
    flags: '--balancer <kind>',
    help: 'cluster balancing: round-robin, ip-hash, least-connections or kernel',
  },
  hang_timeout: {
    flags: '--hang-timeout <ms>',
    help: 'replace a process whose event loop is blocked this long (default 30s; 0 = off)',
  },
  shutdown_with_message: {
    flags: '--shutdown-with-message',
    help: 'ask the app to stop with an IPC "shutdown" message instead of a signal',
  },
  treekill: { flags: '--no-treekill', help: 'signal only the main process, not its children' },
  time: { flags: '--time', help: 'prefix log lines with a timestamp' },
  log_date_format: { flags: '--log-date-format <format>', help: 'timestamp format for log lines (dayjs)' },
  out_file: { flags: '-o, --output <file>', help: 'stdout log file' },
  error_file: { flags: '-e, --error <file>', help: 'stderr log file' },
  merge_logs: { flags: '--merge-logs', help: 'one log file for all instances (default)' },
  disable_logs: { flags: '--disable-logs', help: 'write no log files (output is discarded)' },
  // PM2's combined log and JSON log lines: accepted so PM2 command lines run, with a warning.
  log_file: {
    flags: '-l, --log [path]',
    help: "PM2's combined log file: not written (a warning says so)",
    cliOnly: true,
  },
  log_type: {
    flags: '--log-type <type>',
    help: 'log line format: raw (default) or json (one object per line)',
  },
  cron_restart: {
    flags: '-c, --cron <pattern>',
    help: 'cron pattern for periodic restarts',
    aliases: [{ flags: '--cron-restart <pattern>', help: 'alias of --cron' }],
  },
  filter_env: { flags: '--filter-env', help: "do not pass this shell's environment to the app" },
  force: {
    flags: '-f, --force',
    help: 'an app of that name that runs is deleted and started again with these settings',
    cliOnly: true,
  },
  update_env: {
    flags: '-a, --update-env',
    help: "starting a known app again: with this shell's environment",
    cliOnly: true,
  },
  json: { flags: '--json', help: 'print the started processes as JSON', cliOnly: true },
  wait: {
    flags: '--no-wait',
    help: 'return once started, without waiting until every process is online or has failed',
    cliOnly: true,
  },
  hints: { flags: '--no-hints', help: 'no first-time hints (also: SHOAL_NO_HINTS=1)', cliOnly: true },
};

/** The CLI-only rows as commander hands them to the start action (attribute names of their flags). */
export interface StartCommandFlags {
  env?: string;
  only?: string;
  json?: boolean;
  force?: boolean;
  updateEnv?: boolean;
  log?: string | boolean;
  logType?: string;
  /** False with --no-wait. */
  wait?: boolean;
  /** False with --no-hints. */
  hints?: boolean;
}

/** Registers every row (and its aliases) but the `except` keys as options of `cmd`, in table order. */
export function addStartFlags(cmd: Command, except: readonly string[] = []): Command {
  for (const [key, row] of Object.entries(START_FLAGS)) {
    if (except.includes(key)) continue;
    cmd.option(row.flags, row.help);
    for (const alias of row.aliases ?? []) cmd.option(alias.flags, alias.help);
  }
  return cmd;
}

export interface StartEntry {
  /** One app in process-file form: the script, the args after `--`, and only the flags that were given. */
  entry: Record<string, unknown>;
  /** The flag that set each key, so that messages name what the user typed (`--node-args`). */
  flagOf: Record<string, string>;
}

/** The raw app entry of `shoal start <script> [flags] [-- args]`, from the flags commander parsed on `cmd`. */
export function startEntry(script: string, args: string[], cmd: Command): StartEntry {
  const entry: Record<string, unknown> = { script };
  const flagOf: Record<string, string> = {};
  for (const [key, row] of Object.entries(START_FLAGS)) {
    if (row.cliOnly) continue;
    for (const spelling of [row.flags, ...(row.aliases ?? []).map((a) => a.flags)]) {
      const option = new Option(spelling);
      const attribute = option.attributeName();
      // A flag that was not typed is left out, so the process-file default applies (commander gives
      // every `--no-<key>` flag a default of true, which must not count as set).
      const source = cmd.getOptionValueSource(attribute);
      if (source === undefined || source === 'default') continue;
      const parsed = cmd.getOptionValue(attribute) as string | boolean;
      entry[key] = row.toValue ? row.toValue(parsed) : parsed;
      flagOf[key] = option.long ?? spelling;
      break;
    }
  }
  if (args.length > 0) entry.args = args;
  return { entry, flagOf };
}
