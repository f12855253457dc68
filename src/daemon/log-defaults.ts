// The daemon-wide rotation defaults: built-in values that keep a busy app from filling a disk, changed
// for every app at once by the daemon's environment (SHOAL_LOG_MAX_SIZE, SHOAL_LOG_RETAIN,
// SHOAL_LOG_COMPRESS, SHOAL_LOG_ROTATE_INTERVAL). An app's own log_* keys win over them.
import { Cron } from 'croner';
import { parseBytes } from '../config/units.js';
import { BUILT_IN_LOG_ROTATION, cronPatternOf, type LogRotation } from '../protocol/log-rotation.js';

export interface DefaultsReading {
  rotation: LogRotation;
  /** Variables that were set but not understood (reported in shoal.log, the built-in value is used). */
  ignored: { name: string; value: string }[];
}

export function logDefaultsFrom(env: NodeJS.ProcessEnv): DefaultsReading {
  const rotation = { ...BUILT_IN_LOG_ROTATION };
  const ignored: DefaultsReading['ignored'] = [];
  const read = (name: string, apply: (v: string) => void) => {
    const v = env[name];
    if (v === undefined || v === '') return;
    try {
      apply(v.trim());
    } catch {
      ignored.push({ name, value: v });
    }
  };
  read('SHOAL_LOG_MAX_SIZE', (v) => {
    rotation.max_size = v === 'false' ? 0 : parseBytes(v);
  });
  read('SHOAL_LOG_RETAIN', (v) => {
    if (v === 'all') rotation.retain = 0;
    else if (/^\d+$/.test(v)) rotation.retain = Number(v);
    else throw new Error(v);
  });
  read('SHOAL_LOG_COMPRESS', (v) => {
    if (v !== 'true' && v !== 'false') throw new Error(v);
    rotation.compress = v === 'true';
  });
  read('SHOAL_LOG_ROTATE_INTERVAL', (v) => {
    if (v === 'none') {
      rotation.interval = null;
      return;
    }
    const pattern = cronPatternOf(v);
    new Cron(pattern, { paused: true }).stop();
    rotation.interval = pattern;
  });
  return { rotation, ignored };
}
