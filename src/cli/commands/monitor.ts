// Commands to watch what runs: monit (full-screen terminal monitor) and dashboard (where the web
// dashboard is). The monitor's ink/React code is imported only when monit runs, so that every other
// command starts without loading it.
import type { Command } from 'commander';
import { printJson } from '../output.js';
import { paths, withClient } from '../session.js';

export function registerMonitorCommands(program: Command): void {
  program
    .command('monit')
    .alias('monitor')
    .description("full-screen monitor: live CPU and memory of every process, and the selected app's logs")
    .option('--json', 'print one sample of every process as JSON and exit (as ls --json)')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        if (flags.json) {
          printJson((await client.request('list', {})).processes);
          return 0;
        }
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          process.stderr.write(
            'shoal monit needs a terminal; use "shoal ls" or "shoal ls --json" in scripts.\n',
          );
          return 1;
        }
        // ink renders only a final frame when it thinks it runs in CI (CI or CONTINUOUS_INTEGRATION set);
        // monit was asked for in a terminal, so it must draw live whatever the environment says.
        delete process.env.CI;
        delete process.env.CONTINUOUS_INTEGRATION;
        const [{ runMonit }, { MonitFeed }] = await Promise.all([
          import('../monit/monit-app.js'),
          import('../monit/monit-feed.js'),
        ]);
        const feed = new MonitFeed(paths(), client);
        try {
          await runMonit(feed);
        } finally {
          feed.close();
        }
        return 0;
      }),
    );

  program
    .command('dashboard')
    .alias('web')
    .description('print the URL of the web dashboard and Prometheus /metrics, and where its token is')
    .option('--json', 'print {url, metrics_url, token_file} as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { url, token_file, off_reason } = await client.request('web', {});
        const metricsUrl = url ? new URL('metrics', url).href : null;
        if (flags.json) {
          printJson({ url, metrics_url: metricsUrl, token_file, off_reason });
          return url ? 0 : 1;
        }
        if (!url) {
          process.stderr.write(
            `The dashboard is off: ${off_reason ?? 'see shoal.log in SHOAL_HOME'}. SHOAL_WEB_PORT is read when the daemon starts ("shoal kill" first).\n`,
          );
          return 1;
        }
        process.stdout.write(
          `Dashboard:  ${url}\nPrometheus: ${metricsUrl}\nToken file: ${token_file} (paste its content in the page to restart, reload, stop or scale)\n`,
        );
        return 0;
      }),
    );
}
