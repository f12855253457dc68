// The package's main entry (`import ... from 'shoal'`): types and defineConfig for process files, and
// connect() for deploy scripts. Apps import `shoal/runtime` instead (src/runtime/).
export type { AppEntry, ProcessFile } from './config/process-file-types.js';
export { defineConfig } from './config/process-file-types.js';
export {
  type ConnectOptions,
  connect,
  type LogLine,
  type ProcessDetail,
  type ProcessEvent,
  type ProcessInfo,
  ShoalClient,
  type StartOptions,
  type StartResult,
} from './api/client.js';
export { isShoalError, ShoalError } from './errors.js';
