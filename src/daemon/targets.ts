// Resolves what a user typed (an id, an app name, "all", a namespace) into apps and process ids.
import { ShoalError } from '../errors.js';
import type { AppRunner } from './app-runner.js';

export interface Selection {
  app: AppRunner;
  /** Process ids within the app; undefined means every process of the app. */
  ids?: number[];
}

export function resolveTarget(target: string, apps: Iterable<AppRunner>): Selection[] {
  const list = [...apps];
  if (target === 'all') return list.map((app) => ({ app }));
  if (/^\d+$/.test(target)) {
    const id = Number(target);
    const app = list.find((a) => a.ids().includes(id));
    if (app) return [{ app, ids: [id] }];
  }
  const byName = list.find((a) => a.name === target);
  if (byName) return [{ app: byName }];
  const ns = target.startsWith('ns:') ? target.slice(3) : target;
  const inNamespace = list.filter((a) => a.config.namespace === ns);
  if (inNamespace.length > 0) return inNamespace.map((app) => ({ app }));
  const available = list.map((a) => a.name).join(', ') || 'none';
  throw new ShoalError(
    'SHOAL_ERR_APP_NOT_FOUND',
    `No app, process id or namespace matches "${target}". Running apps: ${available}.`,
    { target },
  );
}
