// The data behind `shoal monit`, kept apart from the screen: the process list from the daemon and the
// selected app's last log lines read straight from its files (as `shoal logs` does). If the daemon goes
// away the feed says so and tries to connect again on the next poll instead of ending the monitor.
import type { HomePaths } from '../../home.js';
import type { LogFile } from '../../protocol/control-channel.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { DaemonClient } from '../daemon-client.js';
import { lastLines } from '../log-tail.js';

export interface LogLine {
  stream: 'out' | 'err';
  text: string;
}

export interface FeedState {
  processes: ProcessInfo[];
  /** Set when the last poll failed: what to show instead of fresh figures. */
  error: string | null;
  at: number;
}

const REQUEST_TIMEOUT_MS = 5_000;

export class MonitFeed {
  private client: DaemonClient | null;
  private logFiles = new Map<string, { files: LogFile[]; at: number }>();

  constructor(
    private readonly paths: HomePaths,
    client: DaemonClient,
  ) {
    this.client = client;
  }

  async poll(): Promise<FeedState> {
    try {
      this.client ??= await DaemonClient.connect(this.paths, { autoStart: false });
      const { processes } = await this.client.request('list', {}, REQUEST_TIMEOUT_MS);
      return { processes, error: null, at: Date.now() };
    } catch (err) {
      this.client?.close();
      this.client = null;
      return { processes: [], error: (err as Error).message, at: Date.now() };
    }
  }

  /** The last `count` lines of the app's logs, stdout first then stderr (the files carry no common clock). */
  async logs(app: string, count: number): Promise<LogLine[]> {
    const files = await this.filesOf(app);
    const out = files.filter((f) => f.stream === 'out');
    const err = files.filter((f) => f.stream === 'err');
    const errLines = err.flatMap((f) =>
      lastLines(f.path, count).map((text) => ({ stream: 'err' as const, text })),
    );
    // stderr usually says why something is wrong: give it up to half the room when it has lines.
    const errShown = errLines.slice(-Math.min(errLines.length, Math.ceil(count / 2)));
    const outLines = out.flatMap((f) =>
      lastLines(f.path, count - errShown.length).map((text) => ({ stream: 'out' as const, text })),
    );
    return [...outLines.slice(-(count - errShown.length)), ...errShown];
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }

  /** Log file paths change only with the app's config: ask the daemon again every few seconds at most. */
  private async filesOf(app: string): Promise<LogFile[]> {
    const cached = this.logFiles.get(app);
    if (cached && Date.now() - cached.at < 5_000) return cached.files;
    if (!this.client) return cached?.files ?? [];
    try {
      const { files } = await this.client.request('logs', { target: app }, REQUEST_TIMEOUT_MS);
      this.logFiles.set(app, { files, at: Date.now() });
      return files;
    } catch {
      return cached?.files ?? [];
    }
  }
}
