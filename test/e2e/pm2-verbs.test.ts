// The rest of PM2's command surface through the real binary: reset, id, pid, prettylist, cleardump,
// init, completion, the start and ls flags PM2 users type, and one-line answers for verbs and flags
// Shoal does not have.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, freePort, waitFor } from '../helpers/shoal.js';

describe('PM2 verbs', () => {
  it('reset sets restart counts back to 0 in fork and cluster mode, and restarts nothing', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('forever.js'), '--name', 'forky']);
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    await home.ok(['restart', 'forky']);
    await home.ok(['restart', 'forky']);
    await home.ok(['restart', 'web']);
    const before = await home.list();
    assert.deepEqual(
      before.map((p) => [p.name, p.restarts]),
      [
        ['forky', 2],
        ['web', 1],
        ['web', 1],
      ],
    );
    const res = JSON.parse((await home.ok(['reset', 'all', '--json'])).stdout) as { restarts: number }[];
    assert.deepEqual(
      res.map((p) => p.restarts),
      [0, 0, 0],
    );
    const after = await home.list();
    assert.deepEqual(
      after.map((p) => [p.restarts, p.pid]),
      before.map((p) => [0, p.pid]),
      'counts are 0, pids unchanged',
    );
    // Counting goes on from 0.
    await home.ok(['restart', 'web']);
    assert.deepEqual(
      (await home.list()).filter((p) => p.name === 'web').map((p) => p.restarts),
      [1, 1],
    );
  });

  it('id, pid and prettylist answer as PM2 does', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'pair', '-i', '2', '--exec-mode', 'fork']);
    await home.ok(['start', fixture('forever.js'), '--name', 'other']);
    const list = await home.list();
    const pair = list.filter((p) => p.name === 'pair');
    assert.deepEqual(
      JSON.parse((await home.ok(['id', 'pair'])).stdout),
      pair.map((p) => p.id),
    );
    assert.equal((await home.ok(['pid', 'pair'])).stdout, pair.map((p) => `${p.pid}\n`).join(''));
    assert.deepEqual(
      JSON.parse((await home.ok(['pid', '--json'])).stdout),
      list.map((p) => p.pid),
    );
    const pretty = await home.ok(['prettylist']);
    assert.deepEqual(
      (JSON.parse(pretty.stdout) as { id: number }[]).map((p) => p.id),
      list.map((p) => p.id),
    );
    assert.match(pretty.stdout, /^\[\n {2}\{/, 'indented');
  });

  it('cleardump empties the saved list and keeps the previous one as .bak', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'saved']);
    await home.ok(['save']);
    const res = await home.ok(['cleardump']);
    assert.match(res.stdout, /Emptied .*dump\.json/);
    const dump = JSON.parse(readFileSync(join(home.dir, 'dump.json'), 'utf8')) as { apps: unknown[] };
    assert.deepEqual(dump.apps, []);
    const bak = JSON.parse(readFileSync(join(home.dir, 'dump.json.bak'), 'utf8')) as { apps: unknown[] };
    assert.equal(bak.apps.length, 1);
    assert.equal((await home.list()).length, 1, 'the running app is left alone');
  });

  it('init writes a starter process file that loads, and refuses to overwrite it', async (t) => {
    const home = createHome(t);
    const dir = join(home.dir, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.js'), 'setInterval(() => {}, 1000);\n');
    const res = await home.ok(['init'], { cwd: dir });
    assert.match(res.stdout, /Wrote .*ecosystem\.config\.js/);
    const loaded = JSON.parse((await home.ok(['config', 'ecosystem.config.js'], { cwd: dir })).stdout) as {
      apps: { name: string }[];
    };
    assert.deepEqual(
      loaded.apps.map((a) => a.name),
      ['app'],
    );
    const again = await home.run(['ecosystem'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists.*--force.*\[SHOAL_ERR_FILE_EXISTS\]/);
    await home.ok(['init', '--force'], { cwd: dir });
    // In an ESM package the file is .cjs, which Node reads as CommonJS there.
    const esm = join(home.dir, 'esm');
    mkdirSync(esm);
    writeFileSync(join(esm, 'package.json'), '{"type":"module"}');
    await home.ok(['init'], { cwd: esm });
    assert.ok(existsSync(join(esm, 'ecosystem.config.cjs')));
  });

  it('completion completes commands, flags and app names in bash; zsh gets the same through bashcompinit', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'completed-app']);
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `shoal() { "${process.execPath}" "${BIN}" "$@"; }; eval "$(shoal completion bash)"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _shoal_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8', env: home.env() },
      )
        .trim()
        .split('\n');
    assert.deepEqual(complete(['shoal', 'res']).sort(), ['reset', 'restart', 'resurrect']);
    assert.ok(complete(['shoal', 'start', '--wat']).includes('--watch'));
    assert.ok(complete(['shoal', 'stop', 'compl']).includes('completed-app'));
    const zsh = await home.ok(['completion', 'zsh']);
    assert.match(zsh.stdout, /bashcompinit/);
    const bad = await home.run(['completion', 'fish']);
    assert.match(bad.stderr, /bash and zsh.*\[SHOAL_ERR_UNSUPPORTED\]/);
  });

  it('answers a PM2 verb Shoal lacks, an unknown command and a bad flag in one line each', async (t) => {
    const home = createHome(t);
    const cases: [string[], RegExp][] = [
      [['deploy', 'production'], /^shoal deploy is not available; .*\[SHOAL_ERR_USAGE\]\n$/],
      [['module:install', 'pm2-logrotate'], /^shoal module:install is not available; /],
      [['frobnicate'], /^shoal: unknown command "frobnicate"; "shoal --help" lists the commands/],
      [['start', 'app.js', '--bogus'], /^shoal start: unknown option '--bogus'; see "shoal start --help"/],
      [['start', 'app.js', '-i'], /^shoal start: option .*argument missing; see "shoal start --help"/],
      [['ls', '--sort', 'colour'], /^shoal: --sort colour: expected one of id, name/],
    ];
    for (const [args, expected] of cases) {
      const res = await home.run(args);
      assert.equal(res.code, 1, args.join(' '));
      assert.match(res.stderr, expected);
      assert.equal(res.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${res.stderr}`);
      assert.doesNotMatch(res.stderr, /did you mean (delete|restart)/i);
    }
    assert.equal(home.daemonPid(), null, 'none of them started the daemon');
  });
});

describe('PM2 start and ls flags', () => {
  it('takes the start flags PM2 users type', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('env-dump.js'),
      '--name',
      'flagged',
      '--no-autostart',
      '--cron-restart',
      '0 3 * * *',
      '--ignore-watch',
      'node_modules tmp',
      '--watch-delay',
      '2s',
      '--disable-logs',
      '--filter-env',
    ]);
    const [d] = await home.describe('flagged');
    assert.ok(d);
    assert.equal(d.status, 'stopped', '--no-autostart');
    assert.equal(d.config.cron_restart, '0 3 * * *');
    assert.deepEqual(d.config.ignore_watch, ['node_modules', 'tmp']);
    assert.equal(d.config.watch_delay, 2000);
    assert.equal(d.config.disable_logs, true);
    assert.equal(d.config.filter_env, true);
    const log = await home.run(['start', fixture('forever.js'), '--name', 'logged', '-l', 'all.log']);
    assert.equal(log.code, 0);
    assert.match(log.stderr, /-l\/--log: Shoal writes out_file and error_file/);
  });

  it("-f replaces a running app of that name, -a restarts a known app with this shell's env", async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'env.json');
    await home.ok(['start', fixture('env-dump.js'), '--name', 'envy', '--', out], {
      env: { FROM_SHELL: 'one' },
    });
    const first = (await home.list())[0]!;
    const again = await home.run([
      'start',
      fixture('env-dump.js'),
      '--name',
      'envy',
      '-f',
      '--namespace',
      'moved',
      '--',
      out,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /envy: deleted to start it again with these settings \(--force\)/);
    const [replaced] = await home.list();
    assert.equal(replaced?.namespace, 'moved');
    assert.notEqual(replaced?.pid, first.pid);
    await home.ok(['start', 'envy', '-a'], { env: { FROM_SHELL: 'two' } });
    await waitFor('the env of the restarted app', () => {
      try {
        return (
          (JSON.parse(readFileSync(out, 'utf8')) as { env: Record<string, string> }).env.FROM_SHELL === 'two'
        );
      } catch {
        return false;
      }
    });
  });

  it('ls --sort and ls -m', async (t) => {
    const home = createHome(t);
    for (const name of ['bravo', 'alpha', 'charlie'])
      await home.ok(['start', fixture('forever.js'), '--name', name]);
    const sorted = JSON.parse((await home.ok(['ls', '--sort', 'name:desc', '--json'])).stdout) as {
      name: string;
    }[];
    assert.deepEqual(
      sorted.map((p) => p.name),
      ['charlie', 'bravo', 'alpha'],
    );
    const mini = (await home.ok(['ls', '-m', '--sort', 'name'])).stdout.trim().split('\n');
    assert.equal(mini.length, 3);
    assert.match(mini[0]!, /^\d+ alpha online \d+$/);
  });

  it('describe prints the app metrics a process reports; stopped rows show no uptime', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('counting-http.mts'), '--name', 'counted'], {
      env: { PORT: String(port), SHOAL_STATS_INTERVAL_MS: '200' },
    });
    await fetch(`http://127.0.0.1:${port}/`);
    const text = await waitFor('hits_total in describe', async () => {
      const out = (await home.ok(['describe', 'counted'])).stdout;
      return /^ {2}hits_total 1$/m.test(out) ? out : null;
    });
    assert.match(text, /app metrics \(this process, as last reported\):/);
    await home.ok(['stop', 'counted']);
    const table = (await home.ok(['ls'])).stdout;
    assert.match(table, /counted\s+fork\s+-\s+stopped\s+0\s+-\s/);
  });
});
