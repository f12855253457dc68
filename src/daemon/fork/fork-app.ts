// A fork-mode app: N independent processes spawned by the daemon itself, one ManagedProcess each.
// Reload has no shared listener to hand over in this mode, so it falls back to a rolling restart.
import type { AppConfig } from '../../protocol/app-config.js';
import type { LogFile } from '../../protocol/control-channel.js';
import type { ProcessDetail, ProcessInfo } from '../../protocol/process-info.js';
import { resolveRotation } from '../../protocol/log-rotation.js';
import { isStoreMessage } from '../../protocol/store-wire.js';
import { StoreHost } from '../../store/store-host.js';
import { appFiles } from '../../supervision/app-files.js';
import { watchHealth } from '../../supervision/health-monitor.js';
import { hangReportWritten, hungReason, watchHeartbeat } from '../../supervision/heartbeat.js';
import {
  hangReportPath,
  hangReportPrefix,
  type InstanceIdentity,
  launchSpec,
} from '../../supervision/launch-spec.js';
import { openOutputFiles } from '../../supervision/app-log-files.js';
import { eventsLoggedBy, LogFileRegistry } from '../../supervision/log-file-registry.js';
import { appLogFiles, logPath } from '../../supervision/log-paths.js';
import { ManagedProcess } from '../../supervision/managed-process.js';
import { mayStart } from '../../supervision/process-state.js';
import { stateOf } from '../../supervision/process-view.js';
import type { AppContext } from '../app-context.js';
import type { AppRunner, AppUpdate } from '../app-runner.js';
import { log } from '../daemon-log.js';
import { forkInfo, processRecord } from '../process-record.js';
import { LOG_KEYS } from '../apply/config-diff.js';
import type { LiveProcess } from '../recovery/live-state.js';
import { forkLauncher } from './fork-launcher.js';

export class ForkApp implements AppRunner {
  private procs: ManagedProcess[] = [];
  private readonly files = new LogFileRegistry(eventsLoggedBy(log));
  /** The app's embedded shared store: in fork mode the daemon hosts it (a cluster app's primary does). */
  private store: StoreHost | null = null;
  private readonly unwatch = new Map<ManagedProcess, () => void>();

  constructor(
    public config: AppConfig,
    public cliEnv: Record<string, string>,
    private readonly ctx: AppContext,
  ) {}

  /**
   * The app as a previous daemon left it (after `shoal update`, or a daemon that died): the same process
   * ids, instances, restart counts and last exits; nothing is started (see resume).
   */
  static restore(config: AppConfig, cliEnv: Record<string, string>, ctx: AppContext, saved: LiveProcess[]) {
    const app = new ForkApp(config, cliEnv, ctx);
    for (const s of [...saved].sort((a, b) => a.instance - b.instance)) {
      const p = app.create(s.instance, s.id);
      p.restarts = s.restarts;
      p.lastExit = s.last_exit;
      if (s.last_exit) p.exits.push(s.last_exit);
      p.lastRestartReason = s.last_restart_reason;
      p.statusReason = s.status_reason;
      app.procs.push(p);
    }
    return app;
  }

  /** Starts the given restored processes again; the others stay stopped. */
  resume(ids: number[], reason: string): void {
    for (const p of this.select(ids)) if (mayStart(p.status)) p.start(reason);
  }

  get name(): string {
    return this.config.name;
  }

  ids(): number[] {
    return this.procs.map((p) => p.id);
  }

  prepare(): void {
    const wanted = this.ctx.resolveInstances(this.config.instances);
    while (this.procs.length < wanted) this.procs.push(this.create(this.procs.length));
  }

  async start(): Promise<void> {
    this.prepare();
    for (const p of this.procs) if (mayStart(p.status)) p.start('started');
    await Promise.all(this.procs.map((p) => (this.config.wait_ready ? p.waitReady() : Promise.resolve())));
  }

  async stop(ids?: number[]): Promise<void> {
    await Promise.all(this.select(ids).map((p) => p.stop('stopped by user')));
  }

  async restart(ids?: number[], update?: AppUpdate): Promise<void> {
    const fresh = this.update(update);
    await Promise.all(this.select(ids).map((p) => this.restartOne(p, 'restarted by user', fresh)));
  }

  async reload(update?: AppUpdate): Promise<string[]> {
    const fresh = this.update(update);
    // One at a time, so that an app with several instances keeps serving from the others.
    for (const p of [...this.procs])
      await (await this.restartOne(p, 'reloaded (fork mode: restart)', fresh)).waitReady();
    return [
      `${this.name} runs in fork mode: reload restarted its processes one by one (no shared listener to hand over).`,
    ];
  }

  /** Takes new settings; true when their log settings differ, so processes need new log files. */
  private update(update?: AppUpdate): boolean {
    if (!update) return false;
    const logsMove = LOG_KEYS.some(
      (k) => JSON.stringify(this.config[k]) !== JSON.stringify(update.config[k]),
    );
    this.config = update.config;
    this.cliEnv = update.cliEnv;
    this.files.configureAll(resolveRotation(this.config, this.ctx.logDefaults));
    return logsMove;
  }

  private async restartOne(p: ManagedProcess, reason: string, newLogs: boolean): Promise<ManagedProcess> {
    if (!newLogs) {
      await p.restart(reason, this.config);
      return p;
    }
    // Log files are opened per process when it is created: new paths or formats need a new one, with the
    // same id, instance and history.
    await p.stop(reason);
    await this.releaseFilesOf([p]);
    const fresh = this.create(p.instance, p.id);
    fresh.restarts = p.restarts + 1;
    fresh.lastRestartReason = reason;
    fresh.lastExit = p.lastExit;
    fresh.exits.push(...p.exits);
    this.procs[this.procs.indexOf(p)] = fresh;
    fresh.start(reason);
    return fresh;
  }

  async scale(instances: number): Promise<string[]> {
    const before = this.procs.length;
    this.config = { ...this.config, instances };
    while (this.procs.length < instances) {
      const p = this.create(this.procs.length);
      this.procs.push(p);
      p.start('scaled up');
    }
    const removed = this.procs.splice(instances);
    await Promise.all(removed.map((p) => p.stop('scaled down')));
    await this.releaseFilesOf(removed);
    return [`${this.name}: scaled from ${before} to ${instances} processes`];
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.releaseFilesOf(this.procs);
    this.procs = [];
    await this.store?.close();
    this.store = null;
  }

  processes(): ProcessInfo[] {
    return this.procs.map((p) => forkInfo(p, this.ctx.sampler.get(p.pid)));
  }

  pids(): number[] {
    const pids: number[] = [];
    for (const p of this.procs) if (p.pid !== null) pids.push(p.pid);
    return pids;
  }

  details(): ProcessDetail[] {
    return this.procs.map((p) =>
      processRecord(stateOf(p), p.app, this.ctx.home, this.ctx.sampler.get(p.pid)),
    );
  }

  logFiles(): LogFile[] {
    return appLogFiles(this.config, this.ctx.home, this.procs);
  }

  /** The files this app's processes write, opened again (reloadLogs) or emptied wherever they were moved. */
  actOnLogs(action: 'reopen' | 'flush'): Promise<string[]> {
    return action === 'reopen' ? this.files.reopenAll() : this.files.truncate();
  }

  async replace(id: number, reason: string): Promise<void> {
    const p = this.procs.find((x) => x.id === id);
    if (p) await p.restart(reason, this.config);
  }

  resetCounters(ids?: number[]): void {
    for (const p of this.select(ids)) p.resetCounters();
  }

  signal(signal: NodeJS.Signals, ids?: number[]): void {
    for (const p of this.select(ids)) {
      if (p.pid === null) continue;
      try {
        process.kill(p.pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }

  envOf(id: number): Record<string, string> | null {
    const p = this.procs.find((x) => x.id === id);
    return p ? launchSpec(p.app, this.cliEnv, { id, instance: p.instance, home: this.ctx.home }).env : null;
  }

  private storeHost(): StoreHost {
    this.store ??= new StoreHost({
      snapshotFile: appFiles(this.ctx.home, this.name).storeSnapshot,
      log: (event, fields) => log(event, { app: this.name, ...fields }),
    });
    return this.store;
  }

  private select(ids?: number[]): ManagedProcess[] {
    return ids ? this.procs.filter((p) => ids.includes(p.id)) : this.procs;
  }

  /** A new process for an instance; `id` keeps an existing process's id (new log files, restored state). */
  private create(instance: number, id = this.ctx.nextId()): ManagedProcess {
    const output = openOutputFiles(this.files, this.config, this.ctx.home, instance, this.ctx.logDefaults);
    const who = { id, instance, home: this.ctx.home };
    const launcher = forkLauncher(() => launchSpec(proc.app, this.cliEnv, who), this.config.treekill);
    const proc: ManagedProcess = new ManagedProcess(id, instance, this.config, launcher, output);
    proc.on('transition', (t) => {
      log('transition', { ...t, pid: proc.pid });
      this.ctx.onChange();
    });
    proc.on('message', (m) => {
      const pid = proc.pid;
      // The store host (and its timers) exists only once the app actually uses the store.
      if (pid !== null && isStoreMessage(m))
        this.storeHost().handle({ id: pid, send: (x) => proc.handle?.send?.(x) }, m);
    });
    proc.on('exit', ({ pid }) => {
      if (pid !== null) this.store?.removePeer(pid);
    });
    const unwatchBeat = watchHeartbeat(proc, (blocked) => void this.restartHung(proc, who, blocked));
    const unwatchHealth = watchHealth(proc, (reason) => {
      log('process.unhealthy', { app: this.name, id: proc.id, pid: proc.pid, reason });
      void proc.restart(reason, this.config);
    });
    this.unwatch.set(proc, () => {
      unwatchBeat();
      unwatchHealth();
    });
    return proc;
  }

  /**
   * A fork process has no shared port a replacement could take over: once its diagnostic report is
   * written (bounded), it is killed outright (a hung process cannot drain) and started again.
   */
  private async restartHung(proc: ManagedProcess, who: InstanceIdentity, blockedMs: number): Promise<void> {
    if (proc.pid === null || proc.status !== 'online') return;
    const reason = hungReason(blockedMs);
    const report = hangReportPath(hangReportPrefix(proc.app, who), proc.pid);
    log('process.hung', { app: this.name, id: proc.id, pid: proc.pid, blocked_ms: blockedMs });
    if (await hangReportWritten(proc, report, blockedMs)) proc.hangReport = report;
    await proc.restart(reason, this.config, true);
  }

  private async releaseFilesOf(procs: ManagedProcess[]): Promise<void> {
    for (const p of procs) {
      this.unwatch.get(p)?.();
      this.unwatch.delete(p);
      for (const stream of ['out', 'err'] as const)
        await this.files.release(logPath(p.app, this.ctx.home, stream, p.instance));
    }
  }
}
