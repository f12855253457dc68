// A cluster app as the daemon sees it: a facade over the app's primary (primary-process.ts), which forks
// and balances the workers. The daemon keeps the slots, the last worker snapshot (ls, describe, metrics)
// and the spec file a later daemon adopts the primary by; when the primary dies, the restart policy decides.
import type { AppConfig } from '../../protocol/app-config.js';
import type { LogFile } from '../../protocol/control-channel.js';
import type { Slot, WorkerSnapshot } from '../../protocol/primary-channel.js';
import type { PrimarySpec } from '../../protocol/primary-spec.js';
import type { PrimaryInfo, ProcessDetail, ProcessInfo } from '../../protocol/process-info.js';
import { infoOf } from '../../protocol/process-info.js';
import { ShoalError } from '../../errors.js';
import { appFiles } from '../../supervision/app-files.js';
import { instanceEnv } from '../../supervision/launch-spec.js';
import { appLogFiles } from '../../supervision/log-paths.js';
import { decideRestart, describeExit, type RestartHistory } from '../../supervision/restart-policy.js';
import type { AppContext } from '../app-context.js';
import type { AppRunner, AppUpdate } from '../app-runner.js';
import { log } from '../daemon-log.js';
import { scaledSlots } from '../scale-count.js';
import { noteLogLosses } from '../log-commands.js';
import { afterPrimaryDeath } from './primary-death.js';
import { type PrimaryExit, PrimaryProcess } from './primary-process.js';
import { removeSpecFile, writeSpecFile } from './primary-spec-file.js';
import { UnmanagedPrimary, verifiedPrimaryPid } from './unmanaged-primary.js';
import { workerRows } from './worker-rows.js';

/** Reload and start wait for workers to become ready; bound them by the app's own timeouts. */
const requestTimeout = (app: AppConfig, workers: number) =>
  30_000 + workers * (app.listen_timeout + app.kill_timeout + 2_000);

export class ClusterApp implements AppRunner {
  private primary: PrimaryProcess | null = null;
  private starting: Promise<PrimaryProcess> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private history: RestartHistory = { unstableRestarts: 0, backoffStep: 0 };
  private readonly primaryInfo: PrimaryInfo = {
    pid: null,
    restarts: 0,
    last_restart_reason: null,
    problem: null,
  };
  /** A primary this daemon found running but cannot work with; stopped when the app is deleted. */
  private unmanaged: UnmanagedPrimary | null = null;
  private destroyed = false;
  /** Restart counts at the last `shoal reset`, by id: the primary keeps counting, ls shows the rest. */
  private readonly restartsAtReset = new Map<number, number>();

  /** `slots` and `workers` restore an app a previous daemon ran (same ids, restart counts, last exits). */
  constructor(
    public config: AppConfig,
    public cliEnv: Record<string, string>,
    private readonly ctx: AppContext,
    private slots: Slot[] = [],
    private workers: WorkerSnapshot[] = [],
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Why the daemon cannot manage this app's primary, or null when it can. */
  get problem(): string | null {
    return this.primaryInfo.problem;
  }

  private get files() {
    return appFiles(this.ctx.home, this.name);
  }

  ids(): number[] {
    return this.slots.map((s) => s.id);
  }

  prepare(): void {
    if (this.slots.length > 0) return;
    const n = this.ctx.resolveInstances(this.config.instances);
    for (let i = 0; i < n; i++) this.slots.push({ id: this.ctx.nextId(), instance: i });
  }

  async start(ids?: number[]): Promise<void> {
    const primary = await this.ensurePrimary();
    this.workers = (await primary.request('start', { ids }, this.timeout())).workers;
  }

  async stop(ids?: number[]): Promise<void> {
    if (!this.primary?.connected) return;
    this.workers = (await this.primary.request('stop', { ids }, this.timeout())).workers;
  }

  async restart(ids?: number[], update?: AppUpdate): Promise<void> {
    this.take(update);
    const primary = await this.ensurePrimary();
    const res = await primary.request(
      'restart',
      { ids, app: update?.config, cli_env: update?.cliEnv },
      this.timeout(),
    );
    this.workers = res.workers;
    if (update) this.writeSpec();
  }

  async reload(update?: AppUpdate): Promise<string[]> {
    this.take(update);
    const primary = await this.ensurePrimary();
    const res = await primary.request(
      'reload',
      { app: update?.config, cli_env: update?.cliEnv },
      this.timeout(),
    );
    this.workers = res.workers;
    if (update) this.writeSpec();
    return res.messages;
  }

  async replace(id: number, reason: string): Promise<void> {
    if (!this.primary?.connected) return;
    const res = await this.primary.request('replace', { process_id: id, reason }, this.timeout());
    this.workers = res.workers;
  }

  async scale(instances: number): Promise<string[]> {
    const before = this.slots.length;
    this.slots = scaledSlots(this.slots, instances, this.ctx.nextId);
    this.config = { ...this.config, instances };
    const primary = await this.ensurePrimary();
    this.workers = (await primary.request('scale', { slots: this.slots }, this.timeout())).workers;
    this.writeSpec();
    return [`${this.name}: scaled from ${before} to ${instances} workers`];
  }

  resetCounters(ids?: number[]): void {
    for (const w of this.workers) if (!ids || ids.includes(w.id)) this.restartsAtReset.set(w.id, w.restarts);
  }

  signal(signal: NodeJS.Signals, ids?: number[]): void {
    this.primary?.request('signal', { signal, ids }, this.timeout()).catch(() => {});
  }

  envOf(id: number): Record<string, string> | null {
    const slot = this.slots.find((s) => s.id === id);
    return slot ? instanceEnv(this.config, this.cliEnv, { ...slot, home: this.ctx.home }) : null;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.clearRestartTimer();
    this.unmanaged?.stop();
    await this.primary?.shutdown(this.timeout());
    this.primary = null;
    this.workers = [];
    removeSpecFile(this.files.spec);
  }

  /** Lets go of the primary without stopping it (daemon hand-over): the app keeps serving. */
  detach(): void {
    this.destroyed = true;
    this.clearRestartTimer();
    this.primary?.release();
    this.primary = null;
  }

  processes(): ProcessInfo[] {
    return this.details().map(infoOf);
  }

  details(): ProcessDetail[] {
    const primary = { ...this.primaryInfo, pid: this.primary?.pid ?? this.unmanaged?.pid ?? null };
    return workerRows(this.slots, this.workers, primary, this.config, this.ctx, this.restartsAtReset);
  }

  logFiles(): LogFile[] {
    return appLogFiles(this.config, this.ctx.home, this.slots);
  }

  async actOnLogs(action: 'reopen' | 'flush'): Promise<string[]> {
    if (!this.primary?.connected) return [];
    return (await this.primary.request('logs', { action }, this.timeout())).files;
  }

  /** Takes over a primary left running by a previous daemon; throws a coded error when it cannot. */
  static async adopt(spec: PrimarySpec, ctx: AppContext): Promise<ClusterApp> {
    const app = new ClusterApp(spec.app, spec.cli_env, ctx);
    app.slots = [...spec.slots];
    const pid = verifiedPrimaryPid(spec);
    try {
      const { primary, status } = await PrimaryProcess.adopt(spec.app.name, spec.socket, pid, app.handlers());
      app.primary = primary;
      app.workers = status.workers;
      app.slots = status.workers.map((w) => ({ id: w.id, instance: w.instance }));
      app.writeSpec();
      log('cluster.adopted', { app: app.name, primary: primary.pid, workers: app.slots.length });
      return app;
    } catch (err) {
      if (!(err instanceof ShoalError) || err.code !== 'SHOAL_ERR_PRIMARY_UNMANAGED') throw err;
      return ClusterApp.unmanaged(spec, err.message, ctx);
    }
  }

  /** An app whose primary runs but will not work with this daemon: reported, left serving, stoppable. */
  static unmanaged(spec: PrimarySpec, why: string, ctx: AppContext): ClusterApp {
    const app = new ClusterApp(spec.app, spec.cli_env, ctx);
    app.slots = [...spec.slots];
    app.unmanaged = new UnmanagedPrimary(app.name, why, verifiedPrimaryPid(spec), spec.socket);
    app.primaryInfo.problem = app.unmanaged.message;
    log('cluster.adoption_refused', { app: app.name, pid: app.unmanaged.pid, why });
    return app;
  }

  private timeout(): number {
    return requestTimeout(this.config, this.slots.length || 1);
  }

  private ensurePrimary(): Promise<PrimaryProcess> {
    if (this.primaryInfo.problem) {
      return Promise.reject(
        new ShoalError('SHOAL_ERR_PRIMARY_UNMANAGED', `${this.name}: ${this.primaryInfo.problem}`, {
          app: this.name,
        }),
      );
    }
    if (this.primary?.connected) return Promise.resolve(this.primary);
    this.starting ??= this.spawnPrimary().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async spawnPrimary(): Promise<PrimaryProcess> {
    this.prepare();
    this.clearRestartTimer();
    this.writeSpec();
    this.primary = await PrimaryProcess.spawnFor(this.config, this.cliEnv, this.ctx.home, this.handlers());
    this.writeSpec();
    return this.primary;
  }

  private handlers() {
    return {
      onSnapshot: (event: { workers: WorkerSnapshot[] }) => {
        noteLogLosses(this.name, this.workers, event.workers);
        this.workers = event.workers;
        this.ctx.onChange();
      },
      onExit: (exit: PrimaryExit) => this.onPrimaryExit(exit),
    };
  }

  private take(update?: AppUpdate): void {
    if (update) ({ config: this.config, cliEnv: this.cliEnv } = update);
  }

  /** How a restarted daemon finds this app again (recovery/): kept current after every change. */
  private writeSpec(): void {
    writeSpecFile(this.files.spec, {
      config: this.config,
      cliEnv: this.cliEnv,
      home: this.ctx.home,
      socket: this.files.socket,
      slots: this.slots,
      workers: this.workers,
      primaryPid: this.primary?.pid ?? null,
      logDefaults: this.ctx.logDefaults,
    });
  }

  /** Node's cluster workers exit with their primary: the whole app is down, and the policy decides. */
  private onPrimaryExit(exit: PrimaryExit): void {
    this.primary = null;
    if (this.destroyed) return;
    const reason = `cluster primary ${describeExit(exit)}`;
    const decision = decideRestart(this.config, exit, this.history);
    const after = afterPrimaryDeath(this.workers, decision, reason);
    this.workers = after.workers;
    this.ctx.onChange();
    if (decision.action !== 'restart') {
      const fields = { app: this.name, decision: decision.action, reason: decision.reason };
      log('cluster.primary_not_restarted', fields);
      return;
    }
    this.history = decision.history;
    this.primaryInfo.restarts += 1;
    this.primaryInfo.last_restart_reason = reason;
    this.writeSpec();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.destroyed || this.primary) return;
      this.start(after.live).catch((err: unknown) => {
        const message = (err as Error).message;
        log('cluster.primary_restart_failed', { app: this.name, message });
        // A primary that cannot even start is one more failed run for the policy (which gives up in the end).
        if (!this.primary && !this.destroyed)
          this.onPrimaryExit({ code: null, signal: null, uptime: 0, why: `did not start (${message})` });
      });
    }, decision.delay);
  }

  private clearRestartTimer(): void {
    clearTimeout(this.restartTimer ?? undefined);
    this.restartTimer = null;
  }
}
