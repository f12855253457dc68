// Memory of a manager's processes from /proc: its daemon, Shoal's per-app primary (a process PM2 does not
// have), and the app processes together. RSS counts pages shared with other Node processes (the binary,
// shared libraries); private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) is what the
// process alone costs the machine, the figure the targets are set on.
import { readFileSync } from 'node:fs';
import type { AnyManager } from './managers.js';
import { rssKb } from './processes.js';

export interface ProcMemory {
  rssKb: number;
  privateKb: number;
}

export interface MemoryReading {
  daemonKb: number | null;
  /** Shoal's per-app primary; null for PM2 and for fork apps. */
  primaryKb: number | null;
  daemon?: ProcMemory | null;
  primary?: ProcMemory | null;
  /** All app processes together. */
  appsKb: number;
  apps: number;
}

/** RSS and private memory of one process, or null when it is gone or /proc cannot be read. */
export function procMemory(pid: number): ProcMemory | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const rss = field('Rss');
    const priv = field('Private_Clean') + field('Private_Dirty');
    return Number.isFinite(rss) && Number.isFinite(priv) ? { rssKb: rss, privateKb: priv } : null;
  } catch {
    return null;
  }
}

export async function readMemory(m: AnyManager, appName: string | null): Promise<MemoryReading> {
  const daemonPid = m.daemonPid();
  const primaryPid = appName === null ? null : await m.primaryPid(appName);
  const procs = (await m.list()).filter((p) => p.pid !== null && (appName === null || p.name === appName));
  const daemon = daemonPid === null ? null : procMemory(daemonPid);
  const primary = primaryPid === null ? null : procMemory(primaryPid);
  return {
    daemonKb: daemon?.rssKb ?? (daemonPid === null ? null : rssKb(daemonPid)),
    primaryKb: primary?.rssKb ?? (primaryPid === null ? null : rssKb(primaryPid)),
    daemon,
    primary,
    appsKb: procs.reduce((sum, p) => sum + (rssKb(p.pid!) ?? 0), 0),
    apps: procs.length,
  };
}

/** A bare Node process (an interval, nothing loaded) read the same way: the floor any Node process pays. */
export async function bareNodeMemory(settleMs: number): Promise<ProcMemory | null> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    return child.pid === undefined ? null : procMemory(child.pid);
  } finally {
    child.kill('SIGKILL');
  }
}
