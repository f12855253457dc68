// The workers of one cluster app: one ManagedProcess per slot (a stable id and instance number), each
// restarted by the shared restart policy when it crashes. Operations that replace workers are
// serialized, so a reload never overlaps a scale or another reload.
import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import type { AppConfig } from '../protocol/app-config.js';
import type { Slot, WorkerSnapshot } from '../protocol/primary-channel.js';
import { instanceEnv, nodeExecArgs } from '../supervision/launch-spec.js';
import { LogFileRegistry } from '../supervision/log-file-registry.js';
import { logPath } from '../supervision/log-paths.js';
import { timestampFormatFor } from '../supervision/log-sink.js';
import { watchHealth } from '../supervision/health-monitor.js';
import { watchHeartbeat } from '../supervision/heartbeat.js';
import { ManagedProcess } from '../supervision/managed-process.js';
import { stateOf } from '../supervision/process-view.js';
import { clusterLauncher } from './cluster-launcher.js';
import { log } from './primary-log.js';

export interface PoolOptions {
  app: AppConfig;
  cliEnv: Record<string, string>;
  home: string;
  restarts: Record<string, number>;
  restartReasons: Record<string, string>;
}

export type MessageRoute = (proc: ManagedProcess, message: unknown) => void;

export class WorkerPool extends EventEmitter<{
  changed: [];
  message: [ManagedProcess, unknown];
  exit: [ManagedProcess];
  /** An OS process of some worker exited (crash, stop, replacement). */
  processExit: [number];
  /** A worker's event loop has not answered for hang_timeout (supervision/heartbeat.ts). */
  hung: [ManagedProcess, number];
  /** A worker failed health_check.failures probes in a row (supervision/health-monitor.ts). */
  unhealthy: [ManagedProcess, string];
}> {
  app: AppConfig;
  cliEnv: Record<string, string>;
  /** The current process of each slot, by process id. */
  readonly slots = new Map<number, ManagedProcess>();
  /** True once any worker of this app has listened: from then on a replacement must listen to count as ready. */
  everListened = false;
  private readonly files = new LogFileRegistry((path, err) =>
    log('log.open_failed', { app: this.app.name, file: path, message: err.message }),
  );
  private readonly unwatch = new Map<ManagedProcess, () => void>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PoolOptions) {
    super();
    this.app = opts.app;
    this.cliEnv = opts.cliEnv;
    this.configureCluster();
  }

  /** Runs operations that replace workers one after another. */
  serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  snapshot(): WorkerSnapshot[] {
    return [...this.slots.values()].sort((a, b) => a.instance - b.instance).map(stateOf);
  }

  select(ids?: number[]): ManagedProcess[] {
    return [...this.slots.values()].filter((p) => !ids || ids.includes(p.id));
  }

  addSlots(slots: Slot[]): ManagedProcess[] {
    return slots.map((slot) => {
      const proc = this.create(slot);
      proc.restarts = this.opts.restarts[String(slot.id)] ?? 0;
      proc.lastRestartReason = this.opts.restartReasons[String(slot.id)] ?? null;
      this.slots.set(slot.id, proc);
      return proc;
    });
  }

  /** A new process for an existing slot, not yet in the table (reload starts it beside the old one). */
  create(slot: Slot): ManagedProcess {
    const out = this.files.open(logPath(this.app, this.opts.home, 'out', slot.instance));
    const err = this.files.open(logPath(this.app, this.opts.home, 'err', slot.instance));
    const who = { id: slot.id, instance: slot.instance, home: this.opts.home };
    const proc: ManagedProcess = new ManagedProcess(
      slot.id,
      slot.instance,
      this.app,
      clusterLauncher(
        () => instanceEnv(proc.app, this.cliEnv, who),
        () => proc.app.kill_timeout,
      ),
      { out, err, timestamp: timestampFormatFor(this.app) },
    );
    proc.on('transition', (t) => {
      log('transition', { ...t, pid: proc.pid });
      if (t.to === 'online' && proc.readyConfirmed && !this.app.wait_ready) this.everListened = true;
      this.emit('changed');
    });
    proc.on('message', (m) => this.emit('message', proc, m));
    proc.on('exit', ({ pid }) => {
      if (pid !== null) this.emit('processExit', pid);
    });
    const unwatchBeat = watchHeartbeat(proc, (blocked) => this.emit('hung', proc, blocked));
    const unwatchHealth = watchHealth(proc, (reason) => this.emit('unhealthy', proc, reason));
    this.unwatch.set(proc, () => {
      unwatchBeat();
      unwatchHealth();
    });
    return proc;
  }

  /** Stops a process (at once with `force`: a hung one cannot drain) and gives back its log files. */
  async retire(proc: ManagedProcess, reason: string, force = false): Promise<void> {
    this.unwatch.get(proc)?.();
    this.unwatch.delete(proc);
    await proc.stop(reason, force);
    for (const stream of ['out', 'err'] as const)
      await this.files.release(logPath(proc.app, this.opts.home, stream, proc.instance));
    this.emit('exit', proc);
  }

  async removeSlot(id: number, reason: string): Promise<void> {
    const proc = this.slots.get(id);
    if (!proc) return;
    this.slots.delete(id);
    await this.retire(proc, reason);
    this.emit('changed');
  }

  /** Applies a new config to future forks (reload with new settings, restart --update-env). */
  update(app?: AppConfig, cliEnv?: Record<string, string>): void {
    if (app) this.app = app;
    if (cliEnv) this.cliEnv = cliEnv;
    if (app || cliEnv) this.configureCluster();
  }

  async closeFiles(): Promise<void> {
    await this.files.closeAll();
  }

  private configureCluster(): void {
    // Workers run the app's script directly (no wrapper), so require.main, argv and import.meta.url are
    // what the app expects; the preload rides along in execArgv.
    cluster.setupPrimary({
      exec: this.app.script,
      args: this.app.args,
      execArgv: nodeExecArgs(this.app),
      cwd: this.app.cwd,
      silent: true,
      windowsHide: true,
    });
  }
}
