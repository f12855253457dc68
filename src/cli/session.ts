// Runs one CLI action against the daemon: connect (starting it if asked), act, close, exit with a code.
import { ShoalError } from '../errors.js';
import { homePaths, shoalHome } from '../home.js';
import { DaemonClient } from './daemon-client.js';
import { reportError } from './output.js';

export const cliState = { verbose: false };

export function paths() {
  return homePaths(shoalHome());
}

export async function withClient(
  action: (client: DaemonClient) => Promise<number | undefined>,
  opts: { autoStart?: boolean; whenNoDaemon?: () => number } = {},
): Promise<never> {
  let client: DaemonClient | null = null;
  let code = 0;
  try {
    client = await DaemonClient.connect(paths(), { autoStart: opts.autoStart ?? true });
    code = (await action(client)) ?? 0;
  } catch (err) {
    const unreachable =
      err instanceof ShoalError && err.code === 'SHOAL_ERR_DAEMON_UNREACHABLE' && client === null;
    code = unreachable && opts.whenNoDaemon ? opts.whenNoDaemon() : reportError(err, cliState.verbose);
  } finally {
    client?.close();
  }
  return exitWhenWritten(code);
}

export async function run(action: () => Promise<number | undefined>): Promise<never> {
  let code = 0;
  try {
    code = (await action()) ?? 0;
  } catch (err) {
    code = reportError(err, cliState.verbose);
  }
  return exitWhenWritten(code);
}

/**
 * Exits once stdout and stderr have handed everything over. Into a pipe Node writes asynchronously
 * once the pipe is full (64 KiB): exiting at once cut `ls --json` of a few hundred processes short.
 */
async function exitWhenWritten(code: number): Promise<never> {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  await Promise.all(
    pending.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.once('drain', resolve);
          s.once('error', resolve);
          s.once('close', resolve);
        }),
    ),
  );
  process.exit(code);
}
