// The SHOAL_* variables that configure shoal/runtime inside an app: where the auth secret is, and the
// store and auth settings of the process file (`store: { backend: 'redis', url }`, `auth: { secret }`),
// which arrive verbatim in AppConfig.extra.
import type { AppConfig } from '../protocol/app-config.js';
import { appFiles } from './app-files.js';

export function runtimeVariables(app: AppConfig, home: string): Record<string, string> {
  // The daemon creates this file before the app's first process starts (daemon/auth-secret-file.ts).
  const vars: Record<string, string> = { SHOAL_AUTH_SECRET_FILE: appFiles(home, app.name).authSecret };
  const store = objectOf(app.extra.store);
  if (store?.backend === 'redis' && typeof store.url === 'string') vars.SHOAL_STORE_URL = store.url;
  const auth = objectOf(app.extra.auth);
  if (typeof auth?.secret === 'string') vars.SHOAL_AUTH_SECRET = auth.secret;
  return vars;
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}
