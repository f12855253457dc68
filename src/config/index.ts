// The config module's public surface: load a PM2-style process file or turn `shoal start` flags into apps.
// Every app that comes out parses with AppConfigSchema (src/protocol/app-config.ts).
export { appFromCli } from './app-from-cli.js';
export { loadProcessContent, loadProcessFile, loadProcessJson } from './load-process-file.js';
export { DEFAULT_PROCESS_FILES, isProcessFile, isUnloadableProcessFile } from './process-file-name.js';
export type { CliLoadOptions, ConfigWarning, LoadedConfig, LoadOptions } from './types.js';
export { parseBytes, parseDuration } from './units.js';
