// The programmatic API (`import { connect } from 'shoal'`), for deploy scripts as PM2's pm2.connect():
// a typed client over the same control socket and requests the CLI uses, with process files and app
// entries checked exactly as `shoal start` checks them.
import { resolve } from 'node:path';
import { loadProcessContent, loadProcessFile } from '../config/index.js';
import type { AppEntry, ProcessFile } from '../config/process-file-types.js';
import { ShoalError } from '../errors.js';
import { homePaths, shoalHome } from '../home.js';
import type { Result } from '../protocol/channel.js';
import type { ControlChannel, LogFile } from '../protocol/control-channel.js';
import type { ProcessDetail, ProcessInfo } from '../protocol/process-info.js';
import { DaemonClient } from '../cli/daemon-client.js';
import { follow, lastLines } from '../cli/log-tail.js';

export type { ProcessDetail, ProcessInfo };
export type StartResult = Result<ControlChannel, 'start'> & { ok: boolean };

export interface ConnectOptions {
  /** The Shoal home (default: SHOAL_HOME, else ~/.shoal). */
  home?: string;
  /** Start a daemon when none runs (default true, as the CLI does). */
  autoStart?: boolean;
}

export interface StartOptions {
  /** Apply env_<name> of the process file (`--env <name>`). */
  env?: string;
  /** Only these apps of the file (`--only`). */
  only?: string[];
  /** Relative paths start here (default: process.cwd()). */
  cwd?: string;
  /** Wait until every process is online or has failed (default true). */
  wait?: boolean;
}

export interface LogLine {
  app: string;
  stream: 'out' | 'err';
  line: string;
}

/** A change seen in the process list: a process appeared, changed status or pid, or went away. */
export interface ProcessEvent {
  type: 'added' | 'changed' | 'removed';
  process: ProcessInfo;
  previous: ProcessInfo | null;
}

const withOk = (res: Result<ControlChannel, 'start'>): StartResult => ({
  ...res,
  ok: res.failures.length === 0,
});

/** Environment of this process: the base layer of what started apps get, as with the CLI. */
function ownEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

export class ShoalClient {
  private closed = false;
  /** Log iterators waiting for a line: woken by close() too, so a loop over logs() ends with the client. */
  private readonly waiting = new Set<() => void>();
  constructor(private readonly daemon: DaemonClient) {}

  /** Pid and version of the daemon this client talks to. */
  get daemonPid(): number {
    return this.daemon.daemonPid;
  }

  async list(): Promise<ProcessInfo[]> {
    return (await this.daemon.request('list', {})).processes;
  }

  async describe(target: string | number): Promise<ProcessDetail[]> {
    return (await this.daemon.request('describe', { target: String(target) })).processes;
  }

  /** Starts a process file (a path), or apps given as a process file's content; throws a ShoalError on bad input. */
  async start(what: string | ProcessFile | AppEntry, opts: StartOptions = {}): Promise<StartResult> {
    const cwd = opts.cwd ?? process.cwd();
    const loadOpts = { envName: opts.env ?? null, cwd };
    const loaded =
      typeof what === 'string'
        ? await loadProcessFile(resolve(cwd, what), loadOpts)
        : loadProcessContent(what, 'start()', loadOpts);
    const apps = opts.only ? loaded.apps.filter((a) => opts.only?.includes(a.name)) : loaded.apps;
    if (apps.length === 0)
      throw new ShoalError('SHOAL_ERR_APP_NOT_FOUND', `No app to start (only: ${opts.only?.join(', ')}).`);
    const res = await this.daemon.request('start', {
      apps,
      cli_env: ownEnv(),
      wait: opts.wait ?? true,
      hints: false,
    });
    return withOk({ ...res, warnings: [...loaded.warnings.map((w) => w.message), ...res.warnings] });
  }

  async stop(target: string | number): Promise<ProcessInfo[]> {
    return (await this.daemon.request('stop', { target: String(target) })).processes;
  }

  async restart(target: string | number, opts: { updateEnv?: boolean } = {}): Promise<StartResult> {
    const update = opts.updateEnv === true;
    return withOk(
      await this.daemon.request('restart', {
        target: String(target),
        update_env: update,
        cli_env: update ? ownEnv() : undefined,
        wait: true,
      }),
    );
  }

  async reload(target: string | number): Promise<StartResult> {
    return withOk(await this.daemon.request('reload', { target: String(target), wait: true }));
  }

  async scale(name: string, instances: number | string): Promise<StartResult> {
    return withOk(await this.daemon.request('scale', { name, instances, wait: true }));
  }

  async delete(target: string | number): Promise<ProcessInfo[]> {
    return (await this.daemon.request('delete', { target: String(target) })).processes;
  }

  /**
   * Log lines of an app (or every app): the last `lines` of each file, then, with follow, new lines as
   * they are written, until the loop is left (break) or the client is closed.
   */
  async *logs(target?: string, opts: { lines?: number; follow?: boolean } = {}): AsyncGenerator<LogLine> {
    const { files } = await this.daemon.request('logs', { target: target ?? null });
    for (const f of files) for (const line of lastLines(f.path, opts.lines ?? 15)) yield lineOf(f, line);
    if (!opts.follow) return;
    const queue: LogLine[] = [];
    let wake: (() => void) | null = null;
    const stops = files.map((f) =>
      follow(f.path, (line) => {
        queue.push(lineOf(f, line));
        wake?.();
      }),
    );
    try {
      while (!this.closed) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
          this.waiting.add(r);
        });
        if (wake) this.waiting.delete(wake);
      }
    } finally {
      for (const stop of stops) stop();
    }
  }

  /** Changes of the process list, found by polling it every intervalMs (default 500). */
  async *events(opts: { intervalMs?: number } = {}): AsyncGenerator<ProcessEvent> {
    let before = new Map((await this.list()).map((p) => [p.id, p]));
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
      if (this.closed) return;
      const now = new Map((await this.list()).map((p) => [p.id, p]));
      for (const [id, p] of now) {
        const was = before.get(id);
        if (!was) yield { type: 'added', process: p, previous: null };
        else if (was.status !== p.status || was.pid !== p.pid)
          yield { type: 'changed', process: p, previous: was };
      }
      for (const [id, p] of before) if (!now.has(id)) yield { type: 'removed', process: p, previous: p };
      before = now;
    }
  }

  /** Closes the connection; the daemon and the apps go on running. */
  close(): void {
    this.closed = true;
    for (const wake of this.waiting) wake();
    this.daemon.close();
  }
}

const lineOf = (f: LogFile, line: string): LogLine => ({ app: f.app, stream: f.stream, line });

/** Connects to the daemon of a Shoal home, starting it when none runs (unless autoStart is false). */
export async function connect(opts: ConnectOptions = {}): Promise<ShoalClient> {
  const paths = homePaths(opts.home ?? shoalHome());
  return new ShoalClient(await DaemonClient.connect(paths, { autoStart: opts.autoStart ?? true }));
}
