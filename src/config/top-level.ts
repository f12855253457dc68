// A process file's top level, in the three forms PM2 accepts: { apps: [...] }, an array of apps, or one app.
import { isPlainObject } from './is-object.js';
import type { Problems } from './problems.js';

const EXPECTED_TOP = '{ apps: [...] }, an array of apps, or one app with a "script"';

/** The app entries of a file (still unvalidated); reports a problem and returns [] when there are none. */
export function appEntries(content: unknown, problems: Problems): unknown[] {
  let entries: unknown[] | null = null;
  if (Array.isArray(content)) entries = content;
  else if (isPlainObject(content) && 'apps' in content) {
    for (const key of Object.keys(content)) {
      // deploy is pm2-deploy's section: legitimately there, and none of Shoal's business.
      if (key !== 'apps' && key !== 'deploy')
        problems.warn(null, key, `unknown top-level key "${key}" is ignored`);
    }
    const apps = content.apps;
    if (Array.isArray(apps)) entries = apps;
    else if (isPlainObject(apps)) entries = [apps];
    else {
      problems.add(null, 'apps', 'an array of apps', apps);
      return [];
    }
  } else if (isPlainObject(content) && ('script' in content || 'exec' in content)) entries = [content];

  if (entries === null || entries.length === 0) {
    problems.add(null, 'apps', EXPECTED_TOP, content, 'the file defines no app');
    return [];
  }
  return entries;
}
