// A cluster-mode app as the daemon sees it: a proxy to the app's own primary process. The daemon spawns
// the primary detached (own session, no pipes to the daemon), talks to it over a Unix socket in
// SHOAL_HOME/run, and keeps the last snapshot of its workers for ls, describe and metrics.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../protocol/app-config.js';
import type { LogFile as LogFileInfo } from '../protocol/messages.js';
import {
  PRIMARY_PROTOCOL_VERSION,
  type PrimaryRequest,
  type PrimaryRequestType,
  type PrimaryResults,
  type PrimarySpec,
  type Slot,
  SnapshotEventSchema,
  type WorkerSnapshot,
} from '../protocol/primary-messages.js';
import type { ProcessDetail, ProcessInfo } from '../protocol/process-info.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { ShoalError } from '../errors.js';
import { instanceEnv } from '../supervision/launch-spec.js';
import { isAlive } from '../supervision/process-tree.js';
import { appLogFiles, logPath } from '../supervision/log-paths.js';
import type { AppRunner } from './app-runner.js';
import { log } from './daemon-log.js';
import type { AppContext } from './fork-app.js';

const PRIMARY_ENTRY = new URL('../primary/main.js', import.meta.url).pathname;
const PRIMARY_START_TIMEOUT_MS = 15_000;
/** Reload and start wait for workers to become ready; bound them by the app's own timeouts. */
const requestTimeout = (app: AppConfig, workers: number) =>
  30_000 + workers * (app.listen_timeout + app.kill_timeout + 2_000);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A primary that dies within this long of its start counts as a quick exit; this many in a row: give up. */
const PRIMARY_STABLE_MS = 10_000;
const PRIMARY_MAX_CRASHES = 5;

export class ClusterApp implements AppRunner {
  private workers: WorkerSnapshot[] = [];
  private slots: Slot[] = [];
  private client: RpcClient | null = null;
  private primary: ChildProcess | null = null;
  private primaryPid: number | null = null;
  private destroyed = false;
  private primaryStarting: Promise<void> | null = null;
  private primaryStartedAt = 0;
  private primaryCrashes = 0;

  constructor(
    public config: AppConfig,
    public cliEnv: Record<string, string>,
    private readonly ctx: AppContext,
  ) {}

  get name(): string {
    return this.config.name;
  }

  private get files() {
    const safe = this.name.replace(/[^a-zA-Z0-9_.-]/g, '-');
    const run = join(this.ctx.home, 'run');
    return {
      spec: join(run, `${safe}.spec.json`),
      socket: join(run, `${safe}.sock`),
      log: join(run, `${safe}.primary.log`),
    };
  }

  ids(): number[] {
    return this.slots.map((s) => s.id);
  }

  async start(): Promise<void> {
    await this.ensurePrimary();
    await this.request('start', {});
  }

  async stop(ids?: number[]): Promise<void> {
    if (!this.client) return;
    await this.request('stop', { ids });
  }

  async restart(
    ids?: number[],
    update?: { config: AppConfig; cliEnv: Record<string, string> },
  ): Promise<void> {
    if (update) {
      this.config = update.config;
      this.cliEnv = update.cliEnv;
    }
    await this.ensurePrimary();
    await this.request('restart', { ids, app: update?.config, cli_env: update?.cliEnv });
    if (update) this.writeSpec();
  }

  async reload(): Promise<string[]> {
    await this.ensurePrimary();
    const res = await this.request('reload', {});
    return res.messages;
  }

  async replace(id: number, reason: string): Promise<void> {
    if (!this.client) return;
    await this.request('replace', { process_id: id, reason });
  }

  async scale(instances: number): Promise<string[]> {
    const before = this.slots.length;
    const keep = this.slots.filter((s) => s.instance < instances);
    const used = new Set(keep.map((s) => s.instance));
    const next = [...keep];
    for (let i = 0; next.length < instances; i++)
      if (!used.has(i)) next.push({ id: this.ctx.nextId(), instance: i });
    this.slots = next.sort((a, b) => a.instance - b.instance);
    this.config = { ...this.config, instances };
    await this.ensurePrimary();
    await this.request('scale', { slots: this.slots });
    this.writeSpec();
    return [`${this.name}: scaled from ${before} to ${instances} workers`];
  }

  signal(signal: NodeJS.Signals, ids?: number[]): void {
    if (this.client) this.request('signal', { signal, ids }).catch(() => {});
  }

  envOf(id: number): Record<string, string> | null {
    const slot = this.slots.find((s) => s.id === id);
    return slot ? instanceEnv(this.config, this.cliEnv, { ...slot, home: this.ctx.home }) : null;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const primary = this.primary;
    const exited =
      primary && primary.exitCode === null ? new Promise((r) => primary.once('exit', r)) : Promise.resolve();
    if (this.client) {
      await this.request('shutdown', {}).catch((err) =>
        log('cluster.shutdown_failed', { app: this.name, message: (err as Error).message }),
      );
      await Promise.race([exited, delay(5_000)]);
    } else if (this.primaryPid !== null) {
      try {
        process.kill(this.primaryPid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, delay(5_000)]);
    }
    this.client?.close();
    this.client = null;
    this.workers = [];
    rmSync(this.files.spec, { force: true });
    rmSync(this.files.socket, { force: true });
  }

  processes(): ProcessInfo[] {
    const now = Date.now();
    const known = new Set(this.workers.map((w) => w.id));
    // Slots without a worker yet (an app registered with autostart off) show as stopped.
    const workers = [
      ...this.workers,
      ...this.slots.filter((s) => !known.has(s.id)).map((s) => idleWorker(s)),
    ];
    return workers.map((w) => {
      const sample = this.ctx.sampler.get(w.pid);
      return {
        id: w.id,
        name: this.name,
        namespace: this.config.namespace,
        mode: 'cluster',
        instance: w.instance,
        pid: w.pid,
        status: w.status,
        restarts: w.restarts,
        uptime: w.pid !== null && w.started_at !== null ? now - w.started_at : 0,
        cpu: sample?.cpu ?? 0,
        memory: sample?.memory ?? 0,
        unstable_restarts: w.unstable_restarts,
        last_exit: w.last_exit,
        status_reason: w.status_reason,
        started_at: w.started_at,
        created_at: w.created_at,
        last_restart_reason: w.last_restart_reason,
        heap_used: w.heap_used,
        heap_total: w.heap_total,
        loop_delay: w.loop_delay,
      };
    });
  }

  details(): ProcessDetail[] {
    const byId = new Map(this.workers.map((w) => [w.id, w]));
    return this.processes().map((p) => {
      const w = byId.get(p.id) ?? idleWorker({ id: p.id, instance: p.instance });
      return {
        ...p,
        config: this.config,
        out_log: logPath(this.config, this.ctx.logsDir, 'out', p.instance),
        err_log: logPath(this.config, this.ctx.logsDir, 'err', p.instance),
        recent_stderr: w.recent_stderr,
        exits: w.exits,
        next_restart_at: w.next_restart_at,
        app_metrics: w.app_metrics,
        primary_pid: this.primaryPid,
      };
    });
  }

  logFiles(): LogFileInfo[] {
    return appLogFiles(this.config, this.ctx.logsDir, this.slots);
  }

  private async request<T extends PrimaryRequestType>(
    type: T,
    payload: PrimaryRequest<T>,
  ): Promise<PrimaryResults[T]> {
    if (!this.client)
      throw new ShoalError('SHOAL_ERR_DAEMON_UNREACHABLE', `The primary of ${this.name} is not connected.`, {
        app: this.name,
      });
    const res = await this.client.request<PrimaryResults[T]>(
      type,
      payload,
      requestTimeout(this.config, this.slots.length || 1),
    );
    if (res && typeof res === 'object' && 'workers' in res)
      this.workers = (res as { workers: WorkerSnapshot[] }).workers;
    return res;
  }

  private ensurePrimary(): Promise<void> {
    if (this.client && !this.client.isClosed) return Promise.resolve();
    this.primaryStarting ??= this.spawnPrimary().finally(() => {
      this.primaryStarting = null;
    });
    return this.primaryStarting;
  }

  prepare(): void {
    if (this.slots.length > 0) return;
    const n = this.ctx.resolveInstances(this.config.instances);
    for (let i = 0; i < n; i++) this.slots.push({ id: this.ctx.nextId(), instance: i });
  }

  private async spawnPrimary(): Promise<void> {
    this.prepare();
    const files = this.files;
    this.writeSpec();
    rmSync(files.socket, { force: true });
    const env = instanceEnv(this.config, this.cliEnv, { id: -1, instance: -1, home: this.ctx.home });
    const logFd = openSync(files.log, 'a', 0o600);
    const child = spawn(nodeBinary(this.config), [PRIMARY_ENTRY], {
      cwd: this.config.cwd,
      env: { ...env, SHOAL_PRIMARY_SPEC: files.spec },
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    child.unref();
    this.primary = child;
    this.primaryPid = child.pid ?? null;
    this.primaryStartedAt = Date.now();
    let exited = false;
    child.once('error', (err) =>
      log('cluster.primary_spawn_failed', { app: this.name, message: err.message }),
    );
    child.once('exit', (code, signal) => {
      exited = true;
      this.onPrimaryExit(child, code, signal);
    });
    log('cluster.primary_spawned', { app: this.name, pid: child.pid });

    const deadline = Date.now() + PRIMARY_START_TIMEOUT_MS;
    while (!this.client) {
      if (exited) {
        throw new ShoalError(
          'SHOAL_ERR_SPAWN',
          `The cluster primary of ${this.name} exited while starting; see ${files.log}.`,
          { app: this.name, file: files.log },
        );
      }
      if (Date.now() > deadline) {
        throw new ShoalError(
          'SHOAL_ERR_TIMEOUT',
          `The cluster primary of ${this.name} did not open its socket; see ${files.log}.`,
          { app: this.name },
        );
      }
      try {
        this.client = await RpcClient.connect(files.socket, {
          version: PRIMARY_PROTOCOL_VERSION,
          peerName: `the primary of ${this.name}`,
          onEvent: (e) => this.onEvent(e),
          onClose: () => this.onDisconnect(),
        });
      } catch {
        await delay(30);
      }
    }
  }

  /**
   * The spec file is also how a restarted daemon finds this app again (see recovery/), so it is kept
   * current: config, base env and slots after every change.
   */
  private writeSpec(): void {
    const restarts: Record<string, number> = {};
    for (const w of this.workers) restarts[String(w.id)] = w.restarts;
    const spec: PrimarySpec = {
      version: 1,
      app: this.config,
      cli_env: this.cliEnv,
      home: this.ctx.home,
      socket: this.files.socket,
      slots: this.slots,
      restarts,
    };
    writeFileSync(this.files.spec, JSON.stringify(spec), { mode: 0o600 });
  }

  /**
   * Connects to a primary left running by a previous daemon (found through its spec file). Returns null
   * when it does not answer: then it is gone, and the caller cleans up after it.
   */
  static async adopt(spec: PrimarySpec, ctx: AppContext): Promise<ClusterApp | null> {
    const app = new ClusterApp(spec.app, spec.cli_env, ctx);
    app.slots = [...spec.slots];
    let firstSnapshot: (() => void) | null = null;
    const snapshotSeen = new Promise<void>((r) => {
      firstSnapshot = r;
    });
    try {
      app.client = await RpcClient.connect(spec.socket, {
        version: PRIMARY_PROTOCOL_VERSION,
        peerName: `the primary of ${spec.app.name}`,
        onEvent: (e) => {
          app.onEvent(e);
          firstSnapshot?.();
        },
        onClose: () => app.onDisconnect(),
      });
    } catch {
      return null;
    }
    await Promise.race([snapshotSeen, delay(3_000)]);
    const status = await app.request('status', {});
    app.slots = status.workers.map((w) => ({ id: w.id, instance: w.instance }));
    app.writeSpec();
    log('cluster.adopted', { app: app.name, primary: app.primaryPid, workers: app.slots.length });
    return app;
  }

  /** Lets go of the primary without stopping it (daemon hand-over): the app keeps serving. */
  detach(): void {
    this.destroyed = true;
    this.client?.close();
    this.client = null;
  }

  private onEvent(event: unknown): void {
    const parsed = SnapshotEventSchema.safeParse(event);
    if (!parsed.success) return;
    this.workers = parsed.data.workers;
    this.primaryPid = parsed.data.primary_pid;
    this.ctx.onChange();
  }

  /** The connection to the primary closed: if the primary died too (one we did not spawn), handle it. */
  private onDisconnect(): void {
    this.client = null;
    if (this.destroyed || this.primary) return; // our own child: its 'exit' event handles it
    const pid = this.primaryPid;
    setTimeout(() => {
      if (pid !== null && !isAlive(pid)) this.onPrimaryExit(null, null, 'unknown (adopted primary)');
    }, 100);
  }

  private onPrimaryExit(child: ChildProcess | null, code: number | null, signal: string | null): void {
    if (child !== null && this.primary !== child) return;
    this.primary = null;
    this.primaryPid = null;
    this.client?.close();
    this.client = null;
    if (this.destroyed) return;
    log('cluster.primary_exited', { app: this.name, code, signal });
    // Node's cluster workers exit with their primary: the whole app is down. Mark it so, and start the
    // primary again if the app restarts on failure (its workers count one restart each).
    const reason = `cluster primary ${signal ? `killed by ${signal}` : `exited with code ${code}`}`;
    this.workers = this.workers.map((w) => ({ ...w, pid: null, status: 'errored', status_reason: reason }));
    if (!this.config.autorestart) return;
    // A primary runs only Shoal's code; one that keeps dying right after its start will not get better.
    const lived = Date.now() - this.primaryStartedAt;
    this.primaryCrashes = lived < PRIMARY_STABLE_MS ? this.primaryCrashes + 1 : 1;
    if (this.primaryCrashes > PRIMARY_MAX_CRASHES) {
      log('cluster.primary_gave_up', { app: this.name, crashes: this.primaryCrashes });
      this.workers = this.workers.map((w) => ({
        ...w,
        status_reason: `${reason}; gave up after ${PRIMARY_MAX_CRASHES} quick exits`,
      }));
      return;
    }
    this.workers = this.workers.map((w) => ({ ...w, restarts: w.restarts + 1, last_restart_reason: reason }));
    setTimeout(() => {
      if (this.destroyed || this.primary) return;
      this.start().catch((err) =>
        log('cluster.primary_restart_failed', { app: this.name, message: (err as Error).message }),
      );
    }, 500);
  }
}

/** The Node binary that runs the primary and therefore every worker: the app's own when it names one. */
function nodeBinary(app: AppConfig): string {
  return app.interpreter === 'node' || app.interpreter === 'none' ? process.execPath : app.interpreter;
}

function idleWorker(slot: Slot): WorkerSnapshot {
  return {
    ...slot,
    pid: null,
    status: 'stopped',
    status_reason: 'not started',
    restarts: 0,
    unstable_restarts: 0,
    started_at: null,
    created_at: Date.now(),
    last_exit: null,
    last_restart_reason: null,
    exits: [],
    recent_stderr: [],
    next_restart_at: null,
    heap_used: null,
    heap_total: null,
    loop_delay: null,
    app_metrics: [],
  };
}
