// The shapes the config module hands to its callers (CLI, daemon tests): load options, results, warnings.
import type { AppConfig } from '../protocol/app-config.js';

export interface LoadOptions {
  /** The `--env <name>` overlay to apply (env_<name>), or null/undefined for none. */
  envName?: string | null;
  /** Where the CLI runs: relative process-file paths and messages are relative to it. Default process.cwd(). */
  cwd?: string;
}

export interface ConfigWarning {
  /** Absolute path of the process file, or null for a CLI start. */
  file: string | null;
  /** The app's name (or `#<n>` when it has none yet), or null for a file-level warning. */
  app: string | null;
  key: string;
  /** A complete line ready to print, location included. */
  message: string;
}

export interface LoadedConfig {
  /** Absolute path of the process file; the empty string for a CLI start (there is no file). */
  file: string;
  apps: AppConfig[];
  warnings: ConfigWarning[];
}

/** For `shoal start <script>`: the flags' entry is normalized like a file's app, its problems name the flags. */
export interface CliLoadOptions extends LoadOptions {
  /** The flag that set each process-file key (`{ instances: '--instances' }`), for messages. */
  flagOf?: Readonly<Record<string, string>>;
}
