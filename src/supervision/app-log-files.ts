// Opening an app's log files, with a coded error that names the app and the key when one cannot be
// opened (EACCES, a directory in the way): an app whose output would be lost does not start.
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdirPrivateSync } from './log-open.js';
import { ShoalError } from '../errors.js';
import type { AppConfig } from '../protocol/app-config.js';
import { type LogRotation, resolveRotation } from '../protocol/log-rotation.js';
import type { LogFile } from './log-file.js';
import type { LogFileRegistry } from './log-file-registry.js';
import { logPath } from './log-paths.js';
import type { OutputFiles } from './process-output.js';
import { timestampFormatFor } from './log-sink.js';

const keyOf = (stream: 'out' | 'err') => (stream === 'out' ? 'out_file' : 'error_file');

function logFileError(app: AppConfig, stream: 'out' | 'err', path: string, err: unknown): ShoalError {
  const e = err as NodeJS.ErrnoException;
  const key = keyOf(stream);
  return new ShoalError(
    'SHOAL_ERR_LOG_FILE',
    `${app.name}: cannot open the log file ${path} (${key}): ${e.code ?? ''} ${e.message}`.trim(),
    { app: app.name, key, file: path },
    { cause: err },
  );
}

/** Checks every log file of the app's instances can be opened for appending; throws SHOAL_ERR_LOG_FILE. */
export function checkLogFiles(app: AppConfig, home: string, instances: number): void {
  for (let i = 0; i < instances; i++) {
    for (const stream of ['out', 'err'] as const) {
      const path = logPath(app, home, stream, i);
      if (path === null) continue;
      try {
        mkdirPrivateSync(dirname(path));
        closeSync(openSync(path, 'a', 0o600));
      } catch (err) {
        throw logFileError(app, stream, path, err);
      }
    }
  }
}

/** Opens (or shares) the out and err files of one instance. */
export function openOutputFiles(
  registry: LogFileRegistry,
  app: AppConfig,
  home: string,
  instance: number,
  defaults: LogRotation,
): OutputFiles {
  const rotation = resolveRotation(app, defaults);
  const open = (stream: 'out' | 'err'): LogFile | null => {
    const path = logPath(app, home, stream, instance);
    try {
      return registry.open(path, rotation);
    } catch (err) {
      throw logFileError(app, stream, path ?? '', err);
    }
  };
  const out = open('out');
  let err: LogFile | null;
  try {
    err = open('err');
  } catch (e) {
    void registry.release(logPath(app, home, 'out', instance));
    throw e;
  }
  return { out, err, timestamp: timestampFormatFor(app), json: app.log_type === 'json' };
}
