// The daemon's live record of what it runs (SHOAL_HOME/state/apps.json), rewritten atomically whenever
// apps or their processes change. Unlike the dump of `shoal save`, it exists so a daemon that died
// (kill -9, OOM, crash) can be replaced by one that takes the apps back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfigSchema } from '../../protocol/app-config.js';
import { ExitInfoSchema, ProcessStatusSchema } from '../../protocol/process-info.js';
import * as z from '../../protocol/zod-mini.js';
import type { AppRunner } from '../app-runner.js';
import { log } from '../daemon-log.js';
import { writeFileAtomic } from '../persistence/atomic-write.js';
import { processStartTime } from '../../supervision/process-tree.js';
import { savedAsRunning } from '../../supervision/process-state.js';
import { bootId } from './boot-id.js';

/** One process as the daemon left it: what a successor restores (same id, status, counts, last exit). */
export const LiveProcessSchema = z.object({
  id: z.int(),
  instance: z.int(),
  status: ProcessStatusSchema,
  status_reason: z.string(),
  restarts: z.int().check(z.gte(0)),
  last_exit: z.nullable(ExitInfoSchema),
  last_restart_reason: z.nullable(z.string()),
});
export type LiveProcess = z.infer<typeof LiveProcessSchema>;

export const LiveAppSchema = z.object({
  config: AppConfigSchema,
  cli_env: z.record(z.string(), z.string()),
  running: z.boolean(),
  instances: z.int().check(z.gte(0)),
  /** Every process of the app, running or not (absent in files written before it was recorded). */
  state: z._default(z.array(LiveProcessSchema), []),
  /** Fork-mode processes alive when written: a new daemon stops these orphans before restarting the app. */
  processes: z.array(z.object({ pid: z.int(), start_time: z.nullable(z.string()), kill_signal: z.string() })),
});
export type LiveApp = z.infer<typeof LiveAppSchema>;

export const LiveStateSchema = z.object({
  version: z.literal(1),
  boot_id: z.string(),
  daemon_pid: z.int(),
  max_id: z.int(),
  apps: z.array(LiveAppSchema),
});
export type LiveState = z.infer<typeof LiveStateSchema>;

export const liveStatePath = (stateDir: string) => join(stateDir, 'apps.json');

/**
 * Kernel start times by pid and run (the run's started_at tells a reused pid apart): each write of the
 * file would otherwise read /proc once for every running process, and it is written on every change.
 */
const startTimes = new Map<string, string | null>();

function startTimeOf(pid: number, startedAt: number | null, seen: Set<string>): string | null {
  const key = `${pid}:${startedAt}`;
  seen.add(key);
  let t = startTimes.get(key);
  if (t === undefined) {
    t = processStartTime(pid);
    // Not known yet (the process is gone, or /proc is not there): read again next time.
    if (t !== null) startTimes.set(key, t);
  }
  return t;
}

export function describeApps(apps: AppRunner[]): LiveState {
  const seen = new Set<string>();
  let maxId = -1;
  const out: LiveApp[] = apps.map((app) => {
    const procs = app.processes();
    for (const p of procs) maxId = Math.max(maxId, p.id);
    return {
      config: app.config,
      cli_env: app.cliEnv,
      running: procs.some((p) => savedAsRunning(p.status)),
      instances: procs.length,
      state: procs.map((p) => ({
        id: p.id,
        instance: p.instance,
        status: p.status,
        status_reason: p.status_reason,
        restarts: p.restarts,
        last_exit: p.last_exit,
        last_restart_reason: p.last_restart_reason,
      })),
      processes:
        app.config.exec_mode === 'fork'
          ? procs
              .filter((p) => p.pid !== null)
              .map((p) => ({
                pid: p.pid!,
                start_time: startTimeOf(p.pid!, p.started_at, seen),
                kill_signal: app.config.kill_signal,
              }))
          : [],
    };
  });
  for (const key of startTimes.keys()) if (!seen.has(key)) startTimes.delete(key);
  return { version: 1, boot_id: bootId(), daemon_pid: process.pid, max_id: maxId, apps: out };
}

export function readLiveState(stateDir: string): LiveState | null {
  let raw: string;
  try {
    raw = readFileSync(liveStatePath(stateDir), 'utf8');
  } catch {
    return null;
  }
  try {
    return LiveStateSchema.parse(JSON.parse(raw));
  } catch (err) {
    log('recovery.state_unreadable', { message: (err as Error).message });
    return null;
  }
}

/** Coalesces bursts of changes into one write, and never runs two writes at once. */
export class LiveStateWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly apps: () => AppRunner[],
    private readonly delayMs = 100,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.writing.then(() =>
      writeFileAtomic(liveStatePath(this.stateDir), JSON.stringify(describeApps(this.apps()))).catch(
        (err: unknown) => log('recovery.state_write_failed', { message: (err as Error).message }),
      ),
    );
    return this.writing;
  }
}
