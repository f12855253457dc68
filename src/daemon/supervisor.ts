// The daemon's registry of apps and the operations clients ask for. It owns no process logic itself:
// each app is an AppRunner (fork apps in this process, cluster apps through their primary).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ShoalError } from '../errors.js';
import type { AppConfig } from '../protocol/app-config.js';
import type { LogRotation } from '../protocol/log-rotation.js';
import type { ParsedRequest, Result } from '../protocol/channel.js';
import type { ControlChannel, LogFile } from '../protocol/control-channel.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { appFiles } from '../supervision/app-files.js';
import { isLive } from '../supervision/process-state.js';
import type { AppContext } from './app-context.js';
import type { AppRunner } from './app-runner.js';
import { ensureAuthSecretFile, removeAuthSecretFile } from './auth-secret-file.js';
import { log } from './daemon-log.js';
import { ForkApp } from './fork/fork-app.js';
import { flushLogs, reopenLogs } from './log-commands.js';
import { MetricsSampler } from './metrics-sampler.js';
import { ClusterHints } from './cluster-hint.js';
import { reportOn } from './operation-report.js';
import { processEnvs } from './process-env.js';
import { scaleCount } from './scale-count.js';
import { checkStartConflicts } from './start-conflicts.js';
import { preflightStart } from './start-preflight.js';
import { resolveTarget, type Selection } from './targets.js';
import { usableCpus } from '../usable-cpus.js';

type Req<T extends keyof ControlChannel['requests']> = ParsedRequest<ControlChannel, T>;
type Res<T extends keyof ControlChannel['requests']> = Result<ControlChannel, T>;

export interface SupervisorOptions {
  home: string;
  sampleIntervalMs: number;
  logDefaults: LogRotation;
  createClusterApp?: (config: AppConfig, cliEnv: Record<string, string>, ctx: AppContext) => AppRunner;
}

export interface SupervisorEvents {
  /** An app was added (started for the first time, or started again with a new config). */
  'app:added': [AppRunner];
  /** An app was deleted. */
  'app:removed': [string];
  /** Some process started, stopped or was replaced (pids changed). */
  'processes:changed': [];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly apps = new Map<string, AppRunner>();
  private lastId = -1;
  readonly sampler: MetricsSampler;
  private readonly ctx: AppContext;
  private readonly hints: ClusterHints;

  constructor(private readonly opts: SupervisorOptions) {
    super();
    this.sampler = new MetricsSampler(() => this.pids(), opts.sampleIntervalMs);
    this.hints = new ClusterHints(join(opts.home, 'state'));
    this.ctx = {
      home: opts.home,
      nextId: () => ++this.lastId,
      sampler: this.sampler,
      onChange: () => this.emit('processes:changed'),
      resolveInstances: (n) => (n === 'max' ? usableCpus() : n),
      logDefaults: opts.logDefaults,
    };
  }

  appRunners(): AppRunner[] {
    return [...this.apps.values()];
  }

  pids(): number[] {
    const pids: number[] = [];
    for (const app of this.apps.values()) {
      if (app.pids) pids.push(...app.pids());
      else for (const p of app.processes()) if (p.pid !== null) pids.push(p.pid);
    }
    return pids;
  }

  list(): ProcessInfo[] {
    return this.appRunners()
      .flatMap((a) => a.processes())
      .sort((a, b) => a.id - b.id);
  }

  async start(req: Req<'start'>): Promise<Res<'start'>> {
    const since = Date.now();
    checkStartConflicts(req.apps, (name) => this.apps.get(name));
    const fresh = req.apps.filter(
      (c) =>
        !this.apps
          .get(c.name)
          ?.processes()
          .some((p) => isLive(p.status)),
    );
    await preflightStart(fresh, this.opts.home, (c) => this.ctx.resolveInstances(c.instances));
    const messages: string[] = [];
    const hints: string[] = [];
    const started: AppRunner[] = [];
    for (const config of req.apps) {
      const existing = this.apps.get(config.name);
      if (existing) {
        const running = existing.processes().some((p) => isLive(p.status));
        if (running) {
          messages.push(
            `${config.name} is already running; use "shoal restart ${config.name}" or "shoal reload".`,
          );
          continue;
        }
        // A stopped app started again picks up the new configuration, like PM2's smart start.
        await existing.destroy();
        this.apps.delete(config.name);
        this.emit('app:removed', config.name);
      }
      const runner = this.createRunner(config, req.cli_env);
      this.apps.set(config.name, runner);
      started.push(runner);
      log('app.start', { app: config.name, mode: config.exec_mode, instances: config.instances });
      if (req.hints && config.exec_mode === 'cluster') {
        const hint = await this.hints.forFirstStart(config.name);
        if (hint) hints.push(hint);
      }
    }
    await Promise.all(
      started.map((r) => {
        if (r.config.autostart) return r.start();
        r.prepare();
        return Promise.resolve();
      }),
    );
    for (const r of started) this.emit('app:added', r);
    this.sampler.tick();
    const report = await reportOn(() => started.flatMap((r) => r.details()), since, req.wait);
    const names = new Set(req.apps.map((a) => a.name));
    const processes = this.list().filter((p) => names.has(p.name));
    return { processes, messages, ...report, warnings: [...report.warnings, ...hints] };
  }

  async stop(target: string): Promise<Res<'stop'>> {
    const sel = resolveTarget(target, this.apps.values());
    await Promise.all(sel.map((s) => s.app.stop(s.ids)));
    return { processes: this.selected(sel) };
  }

  async restart(req: Req<'restart'>): Promise<Res<'restart'>> {
    const sel = resolveTarget(req.target, this.apps.values());
    await Promise.all(
      sel.map((s) => {
        const update =
          req.update_env && req.cli_env ? { config: s.app.config, cliEnv: req.cli_env } : undefined;
        // Registered but never started (autostart off, or resurrected as stopped): nothing to restart, so start.
        if (s.app.processes().length === 0 && !s.ids) {
          if (update) s.app.cliEnv = update.cliEnv;
          return s.app.start();
        }
        return s.app.restart(s.ids, update);
      }),
    );
    return this.finish(sel, Date.now(), req.wait, []);
  }

  async reload(req: Req<'reload'>): Promise<Res<'reload'>> {
    const sel = resolveTarget(req.target, this.apps.values());
    const messages: string[] = [];
    // Apps one after another: a reload is about keeping capacity, not about speed.
    for (const s of sel) messages.push(...(await s.app.reload()));
    return this.finish(sel, Date.now(), req.wait, messages);
  }

  async scale(req: Req<'scale'>): Promise<Res<'scale'>> {
    const app = this.apps.get(req.name);
    if (!app) {
      const available = [...this.apps.keys()].join(', ') || 'none';
      throw new ShoalError(
        'SHOAL_ERR_APP_NOT_FOUND',
        `No app named "${req.name}". Running apps: ${available}.`,
        {
          app: req.name,
        },
      );
    }
    const since = Date.now();
    const wanted = scaleCount(req.name, app.processes().length, req.instances, usableCpus());
    const messages = await app.scale(wanted);
    return this.finish([{ app }], since, req.wait, messages);
  }

  /** The answer of an operation that (re)started processes: after they came online or failed. */
  private async finish(sel: Selection[], since: number, wait: boolean, messages: string[]) {
    this.sampler.tick();
    const details = () => sel.flatMap((s) => s.app.details().filter((d) => !s.ids || s.ids.includes(d.id)));
    const report = await reportOn(details, since, wait);
    return { processes: this.selected(sel), messages, ...report };
  }

  async delete(target: string): Promise<Res<'delete'>> {
    const sel = resolveTarget(target, this.apps.values());
    const before = this.selected(sel);
    for (const s of sel) {
      if (s.ids && s.ids.length < s.app.ids().length) {
        const why = `Cannot delete one process of ${s.app.name}; scale it instead ("shoal scale ${s.app.name} N").`;
        throw new ShoalError('SHOAL_ERR_UNSUPPORTED', why, { app: s.app.name });
      }
    }
    await Promise.all(sel.map((s) => s.app.destroy()));
    for (const s of sel) {
      this.apps.delete(s.app.name);
      // A new app of the same name must not accept the tokens this one issued.
      removeAuthSecretFile(appFiles(this.opts.home, s.app.name).authSecret);
      this.emit('app:removed', s.app.name);
      log('app.delete', { app: s.app.name });
    }
    return { processes: before.map((p) => ({ ...p, status: 'stopped' as const, pid: null })) };
  }

  signal(target: string, signal: NodeJS.Signals): Res<'signal'> {
    const sel = resolveTarget(target, this.apps.values());
    for (const s of sel) s.app.signal(signal, s.ids);
    return { processes: this.selected(sel) };
  }

  env(target: string): Res<'env'> {
    return { processes: processEnvs(resolveTarget(target, this.apps.values())) };
  }

  /**
   * Takes over an app that is already running (a cluster primary found by a restarted daemon), keeping
   * its process ids; ids handed out later stay above them.
   */
  adopt(runner: AppRunner): void {
    this.apps.set(runner.name, runner);
    for (const id of runner.ids()) this.lastId = Math.max(this.lastId, id);
    log('app.adopted', { app: runner.name, ids: runner.ids() });
    this.emit('app:added', runner);
  }

  /** Keeps fresh ids above the ones a previous daemon handed out. */
  reserveIds(upTo: number): void {
    this.lastId = Math.max(this.lastId, upTo);
  }

  /** The context apps are created with (exposed for recovery, which builds runners itself). */
  get appContext(): AppContext {
    return this.ctx;
  }

  /** The app runner with this name, for features that act on one app (watch, cron, memory limit). */
  app(name: string): AppRunner | undefined {
    return this.apps.get(name);
  }

  describe(target: string): Res<'describe'> {
    const sel = resolveTarget(target, this.apps.values());
    return {
      processes: sel.flatMap((s) => s.app.details().filter((d) => !s.ids || s.ids.includes(d.id))),
    };
  }

  logFiles(target: string | null): LogFile[] {
    return this.targetApps(target).flatMap((a) => a.logFiles());
  }

  flush(target: string | null): Promise<string[]> {
    return flushLogs(this.targetApps(target));
  }

  /** Every writer opens its log files again (logrotate "create" mode); returns the paths reopened. */
  reopenLogs(): Promise<string[]> {
    return reopenLogs(this.appRunners());
  }

  async stopAll(): Promise<number> {
    const apps = this.appRunners();
    const count = apps.reduce((n, a) => n + a.processes().length, 0);
    await Promise.all(apps.map((a) => a.destroy()));
    this.apps.clear();
    return count;
  }

  private createRunner(config: AppConfig, cliEnv: Record<string, string>): AppRunner {
    // Before any process starts: every process of the app reads it via SHOAL_AUTH_SECRET_FILE.
    ensureAuthSecretFile(appFiles(this.opts.home, config.name).authSecret);
    if (config.exec_mode === 'cluster' && this.opts.createClusterApp) {
      return this.opts.createClusterApp(config, cliEnv, this.ctx);
    }
    return new ForkApp(config, cliEnv, this.ctx);
  }

  private targetApps(target: string | null): AppRunner[] {
    return target === null ? this.appRunners() : resolveTarget(target, this.apps.values()).map((s) => s.app);
  }

  private selected(sel: { app: AppRunner; ids?: number[] }[]): ProcessInfo[] {
    return sel.flatMap((s) => s.app.processes().filter((p) => !s.ids || s.ids.includes(p.id)));
  }
}
