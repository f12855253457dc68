// --json as scripts use it: every command prints exactly one JSON document on stdout, whatever it has
// to say besides (already running, a fork app reloaded by a restart) goes to stderr.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, type RunResult, type ShoalHome } from '../helpers/shoal.js';

/** Commands without --json, each with the reason. */
const WITHOUT_JSON: Record<string, string> = {
  daemon: 'runs the daemon itself in this process, for init systems; prints nothing but its log',
  help: "commander's help text",
  completion: 'prints a shell script for the shell to source',
  run: "runs in the foreground as a container's main process; its stdout is the apps' log lines",
  export: 'prints the manifests themselves (Kubernetes YAML, systemd units, a Compose file)',
};

/** Commands whose --json output is JSON lines, one document per line, because they stream. */
const JSON_LINES = new Set(['logs']);

/** The command names `shoal --help` lists. */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-zA-Z]+)/gm)].map((m) => m[1]!);
}

async function json(
  home: ShoalHome,
  args: string[],
  env?: Record<string, string>,
): Promise<RunResult & { doc: unknown }> {
  const res = await home.run(args, { env });
  let doc: unknown;
  try {
    doc = JSON_LINES.has(args[0]!)
      ? res.stdout
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l))
      : JSON.parse(res.stdout);
  } catch (err) {
    assert.fail(
      `shoal ${args.join(' ')}: stdout is not one JSON document (${(err as Error).message}); exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`,
    );
  }
  return { ...res, doc };
}

describe('--json output', () => {
  it('prints exactly one JSON document on stdout for every command, notes on stderr', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const env = { SHOAL_WEB_PORT: String(port) };
    const service = `shoal-json-${randomUUID().slice(0, 8)}`;
    const runs: string[][] = [
      ['ping', '--json'],
      ['start', fixture('forever.js'), '--name', 'api', '--json'],
      ['ls', '--json'],
      ['jlist', '--json'],
      ['describe', 'api', '--json'],
      ['id', 'api', '--json'],
      ['pid', 'api', '--json'],
      ['prettylist', '--json'],
      ['monit', '--json'],
      ['env', '0', '--json'],
      ['sendSignal', 'SIGWINCH', 'api', '--json'],
      ['restart', 'api', '--json'],
      ['reload', 'api', '--json'],
      ['scale', 'api', '2', '--json'],
      ['reset', 'api', '--json'],
      ['logs', 'api', '--json', '--nostream'],
      ['reloadLogs', '--json'],
      ['flush', 'api', '--json'],
      ['dashboard', '--json'],
      ['save', '--json'],
      ['resurrect', '--json'],
      ['config', fixture('configs/single-app.json'), '--json'],
      ['startup', 'systemd', '--service-name', service, '--json'],
      ['unstartup', 'systemd', '--service-name', service, '--json'],
      ['init', '--json'],
      ['startOrReload', `${home.dir}/filed.json`, '--json'],
      ['startOrRestart', `${home.dir}/filed.json`, '--json'],
      ['delete', 'filed', '--json'],
      ['cleardump', '--json'],
      ['stop', 'api', '--json'],
      ['delete', 'api', '--json'],
      ['update', '--json'],
      ['kill', '--json'],
      ['kill', '--json'],
    ];
    const help = await home.ok(['--help']);
    const covered = new Set(runs.map((r) => r[0]!));
    for (const name of commandsOf(help.stdout)) {
      assert.ok(
        covered.has(name) || name in WITHOUT_JSON,
        `shoal ${name} is run with --json here (or listed with its reason)`,
      );
    }

    const dir = home.dir;
    writeFileSync(
      `${dir}/filed.json`,
      JSON.stringify({ apps: [{ name: 'filed', script: fixture('forever.js') }] }),
    );
    for (const args of runs) {
      // init writes the starter file into the working directory: give it the home.
      const res =
        args[0] === 'init'
          ? await json(home, [...args, '--path', `${dir}/ecosystem.config.js`], env)
          : await json(home, args, env);
      assert.equal(res.code, 0, `shoal ${args.join(' ')} exits 0; stderr: ${res.stderr}`);
    }

    // What is not the result goes to stderr, in both modes.
    await home.ok(['start', fixture('forever.js'), '--name', 'again']);
    for (const mode of [['--json'], []]) {
      const res = await home.run(['start', fixture('forever.js'), '--name', 'again', ...mode]);
      assert.equal(res.code, 0);
      assert.match(res.stderr, /again is already running/);
      assert.doesNotMatch(res.stdout, /already running/);
      if (mode.length > 0) JSON.parse(res.stdout);
    }
    const reload = await json(home, ['reload', 'again', '--json']);
    assert.match(reload.stderr, /fork mode: reload restarted/);
  });
});
