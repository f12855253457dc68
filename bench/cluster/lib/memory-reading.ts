// Resident memory of a manager's processes from /proc: its daemon, Shoal's per-app primary (a process
// PM2 does not have), and the app processes together.
import type { AnyManager } from './managers.js';
import { rssKb } from './processes.js';

export interface MemoryReading {
  daemonKb: number | null;
  /** Shoal's per-app primary; null for PM2 and for fork apps. */
  primaryKb: number | null;
  /** All app processes together. */
  appsKb: number;
  apps: number;
}

export async function readMemory(m: AnyManager, appName: string | null): Promise<MemoryReading> {
  const daemon = m.daemonPid();
  const primary = appName === null ? null : await m.primaryPid(appName);
  const procs = (await m.list()).filter((p) => p.pid !== null && (appName === null || p.name === appName));
  return {
    daemonKb: daemon === null ? null : rssKb(daemon),
    primaryKb: primary === null ? null : rssKb(primary),
    appsKb: procs.reduce((sum, p) => sum + (rssKb(p.pid!) ?? 0), 0),
    apps: procs.length,
  };
}
