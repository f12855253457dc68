// One running cluster primary and the daemon's connection to it. A primary is spawned detached (own
// session, no pipes to the daemon) so the app keeps serving when the daemon dies or is upgraded; the
// daemon reaches it only through its Unix socket. A primary left by an earlier daemon is adopted by
// connecting to that socket. Either way the owner learns of its death through `onExit`.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { ShoalError } from '../../errors.js';
import type { AppConfig } from '../../protocol/app-config.js';
import { appFiles } from '../../supervision/app-files.js';
import { instanceEnv } from '../../supervision/launch-spec.js';
import { ownProcessEnv } from '../../supervision/own-process-env.js';
import { PrimaryChannel, SnapshotEventSchema, type SnapshotEvent } from '../../protocol/primary-channel.js';
import type { RequestPayload, RequestType, Result } from '../../protocol/channel.js';
import { RpcClient } from '../../protocol/rpc-client.js';
import { isAlive, processStartTime, signalAll, signalGroup } from '../../supervision/process-tree.js';
import { log } from '../daemon-log.js';
import { type FileWatch, watchForFile } from './file-appears.js';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The CommonJS stub of the primary's bundle (scripts/bundle.js): the primary runs without Node's ESM loader.
const PRIMARY_ENTRY = new URL('../../primary/main.cjs', import.meta.url).pathname;
/** How long a new primary may take to open its socket. */
const START_TIMEOUT_MS = 15_000;
/** How long an adopted primary has to accept the connection and answer its first request. */
export const ADOPT_TIMEOUT_MS = 5_000;

export interface PrimaryExit {
  code: number | null;
  signal: string | null;
  /** How long it ran (from its spawn, or from its adoption), ms. */
  uptime: number;
  /** Said instead of the code or signal when there is a better account ("did not start: ..."). */
  why?: string;
}

export interface SpawnOptions {
  app: string;
  /** The Node binary that runs the primary and therefore every worker. */
  node: string;
  cwd: string;
  env: Record<string, string>;
  specFile: string;
  socket: string;
  logFile: string;
}

interface Handlers {
  onSnapshot: (event: SnapshotEvent) => void;
  onExit: (exit: PrimaryExit) => void;
}

export class PrimaryProcess {
  pid: number | null;
  readonly startedAt = Date.now();
  private client: RpcClient<PrimaryChannel> | null = null;
  private gone = false;
  private released = false;
  /** While spawn() waits for the socket, a death is reported by spawn's rejection, not by onExit. */
  private starting = false;

  private constructor(
    readonly app: string,
    private readonly child: ChildProcess | null,
    pid: number | null,
    private readonly handlers: Handlers,
  ) {
    this.pid = pid;
    child?.once('exit', (code, signal) => this.exited(code, signal));
  }

  /** Spawns the primary of a cluster app, with its files in the home; see spawn. */
  static spawnFor(
    app: AppConfig,
    cliEnv: Record<string, string>,
    home: string,
    handlers: Handlers,
  ): Promise<PrimaryProcess> {
    const files = appFiles(home, app.name);
    return PrimaryProcess.spawn(
      {
        app: app.name,
        // The Node that runs the primary runs every worker: the app's own when it names one.
        node: app.interpreter === 'node' || app.interpreter === 'none' ? process.execPath : app.interpreter,
        cwd: app.cwd,
        // The app's env, so that its NODE_OPTIONS reach the primary's Node as they reach the workers'.
        // Workers are forked with their own exact env (primary/cluster-launcher.ts), not this one.
        env: instanceEnv(app, cliEnv, { id: -1, instance: -1, home }),
        specFile: files.spec,
        socket: files.socket,
        logFile: files.primaryLog,
      },
      handlers,
    );
  }

  /** Spawns a primary and connects to it; rejects (and leaves nothing running) if it never answers. */
  static async spawn(opts: SpawnOptions, handlers: Handlers): Promise<PrimaryProcess> {
    rmSync(opts.socket, { force: true });
    const logFd = openSync(opts.logFile, 'a', 0o600);
    const child = spawn(opts.node, [PRIMARY_ENTRY], {
      cwd: opts.cwd,
      env: { ...ownProcessEnv(opts.env), SHOAL_PRIMARY_SPEC: opts.specFile },
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    child.unref();
    child.once('error', (err) =>
      log('cluster.primary_spawn_failed', { app: opts.app, message: err.message }),
    );
    const primary = new PrimaryProcess(opts.app, child, child.pid ?? null, handlers);
    primary.starting = true;
    log('cluster.primary_spawned', { app: opts.app, pid: child.pid });
    const deadline = Date.now() + START_TIMEOUT_MS;
    const socketWatch = watchForFile(opts.socket);
    try {
      await primary.connectOnceListening(opts, deadline, socketWatch);
    } finally {
      socketWatch.close();
    }
    primary.starting = false;
    if (primary.gone) {
      throw new ShoalError(
        'SHOAL_ERR_SPAWN',
        `The cluster primary of ${opts.app} exited right after starting; see ${opts.logFile}.`,
        {
          app: opts.app,
          file: opts.logFile,
        },
      );
    }
    return primary;
  }

  /** Connects once the new primary listens; throws when it dies or the deadline passes first. */
  private async connectOnceListening(
    opts: SpawnOptions,
    deadline: number,
    socketWatch: FileWatch,
  ): Promise<void> {
    while (!this.client) {
      if (this.gone) {
        throw new ShoalError(
          'SHOAL_ERR_SPAWN',
          `The cluster primary of ${opts.app} exited while starting; see ${opts.logFile}.`,
          { app: opts.app, file: opts.logFile },
        );
      }
      if (Date.now() > deadline) {
        this.kill();
        throw new ShoalError(
          'SHOAL_ERR_TIMEOUT',
          `The cluster primary of ${opts.app} did not open its socket within ${START_TIMEOUT_MS / 1000} s; see ${opts.logFile}.`,
          { app: opts.app, file: opts.logFile },
        );
      }
      try {
        await this.connect(opts.socket);
      } catch {
        // Woken as soon as the socket file is created; the fallback covers a missed event.
        await socketWatch.next(100);
      }
    }
  }

  /**
   * Takes over a primary an earlier daemon left running: connect, then make sure it answers this
   * daemon's protocol within ADOPT_TIMEOUT_MS. Throws a coded error saying what went wrong: unreachable
   * (it is gone), or refused (it runs but will not work with this daemon).
   */
  static async adopt(
    app: string,
    socket: string,
    pid: number | null,
    handlers: Handlers,
  ): Promise<{ primary: PrimaryProcess; status: Result<PrimaryChannel, 'status'> }> {
    const primary = new PrimaryProcess(app, null, pid, handlers);
    await primary.connect(socket);
    try {
      const status = await primary.request('status', {}, ADOPT_TIMEOUT_MS);
      return { primary, status };
    } catch (err) {
      primary.release();
      const why =
        err instanceof ShoalError && err.code === 'SHOAL_ERR_TIMEOUT'
          ? `it did not answer within ${ADOPT_TIMEOUT_MS / 1000} s`
          : `it answered with an error: ${(err as Error).message}`;
      throw new ShoalError('SHOAL_ERR_PRIMARY_UNMANAGED', why, { app, cause_code: (err as ShoalError).code });
    }
  }

  get connected(): boolean {
    return this.client !== null && !this.client.isClosed;
  }

  request<T extends RequestType<PrimaryChannel>>(
    type: T,
    payload: RequestPayload<PrimaryChannel, T>,
    timeoutMs: number,
  ): Promise<Result<PrimaryChannel, T>> {
    if (!this.client || this.client.isClosed) {
      return Promise.reject(
        new ShoalError('SHOAL_ERR_PRIMARY_UNREACHABLE', `The primary of ${this.app} is not connected.`, {
          app: this.app,
        }),
      );
    }
    return this.client.request(type, payload, timeoutMs);
  }

  /** The primary's kernel start time, to tell it from a process that reuses its pid later. */
  startTime(): string | null {
    return this.pid === null ? null : processStartTime(this.pid);
  }

  /** Asks the primary to stop its workers and exit; falls back to SIGTERM, and waits (bounded) for it to go. */
  async shutdown(timeoutMs: number): Promise<void> {
    const exited =
      this.child && this.child.exitCode === null ? new Promise((r) => this.child!.once('exit', r)) : null;
    if (this.connected) {
      await this.request('shutdown', {}, timeoutMs).catch((err: unknown) =>
        log('cluster.shutdown_failed', { app: this.app, message: (err as Error).message }),
      );
    } else if (this.pid !== null) {
      signalAll([this.pid], 'SIGTERM');
    }
    this.released = true;
    await Promise.race([exited ?? this.waitGone(5_000), delay(5_000)]);
    this.client?.close();
    this.client = null;
    // Whatever of the app is still running once its primary is gone (a worker too hung to stop) goes too.
    if (this.pid !== null && !isAlive(this.pid)) signalGroup(this.pid, 'SIGKILL');
  }

  /** Lets go of the primary without stopping it (daemon hand-over): the app keeps serving. */
  release(): void {
    this.released = true;
    this.client?.close();
    this.client = null;
  }

  kill(): void {
    if (this.pid !== null) signalAll([this.pid], 'SIGKILL');
  }

  private async connect(socket: string): Promise<void> {
    this.client = await RpcClient.connect(socket, {
      channel: PrimaryChannel,
      peerName: `the primary of ${this.app}`,
      connectTimeoutMs: ADOPT_TIMEOUT_MS,
      onEvent: (e) => {
        const parsed = SnapshotEventSchema.safeParse(e);
        if (!parsed.success) return;
        this.pid = parsed.data.primary_pid;
        this.handlers.onSnapshot(parsed.data);
      },
      onClose: () => this.disconnected(),
    });
  }

  private async waitGone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pid !== null && isAlive(this.pid) && Date.now() < deadline) await delay(25);
  }

  /** The connection closed: for a primary we did not spawn, that is how we learn it died. */
  private disconnected(): void {
    this.client = null;
    if (this.child || this.released) return; // our own child: its 'exit' event tells
    const pid = this.pid;
    setTimeout(() => {
      if (pid === null || !isAlive(pid)) this.exited(null, null);
    }, 100);
  }

  private exited(code: number | null, signal: string | null): void {
    if (this.gone) return;
    this.gone = true;
    this.client?.close();
    this.client = null;
    if (this.released || this.starting) return;
    // Healthy workers exit when their primary's channel closes; a hung one never notices, so the
    // primary's process group (the primary is detached: the group is its pid) is killed.
    if (this.pid !== null) signalGroup(this.pid, 'SIGKILL');
    log('cluster.primary_exited', { app: this.app, pid: this.pid, code, signal });
    this.handlers.onExit({ code, signal, uptime: Date.now() - this.startedAt });
  }
}
