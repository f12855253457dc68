// `shoal startup`: the systemd unit passes `systemd-analyze verify`, the launchd plist is a valid plist
// with the right arguments, the OpenRC script has the expected commands and quoting; and the foreground
// daemon the scripts run resurrects the saved apps and stops with `shoal kill`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, waitFor } from '../helpers/shoal.js';

const has = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const SYSTEMD_ANALYZE = has('systemd-analyze', ['--version']);
const PYTHON = has('python3', ['--version']);
const IS_ROOT = process.getuid?.() === 0;

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-startup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A home with a space, a quote and a percent sign checks the quoting of every template.
const odd = (dir: string) => join(dir, "my 'odd' 100% home");

describe('startup', () => {
  it('writes a systemd unit that systemd-analyze verify accepts', {
    skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze not installed (Debian package "systemd")',
  }, async (t) => {
    const home = createHome(t);
    const dir = scratch(t);
    const res = await home.ok(['startup', 'systemd'], { env: { SHOAL_HOME: odd(dir) } });
    const unit = res.stdout;
    for (const line of [
      'Type=exec',
      `User=${userInfo().username}`,
      'KillMode=process',
      'Restart=on-failure',
      'RestartSec=2',
      'RestartForceExitStatus=75',
      'StartLimitBurst=10',
      'LimitNOFILE=1048576',
      'After=network.target',
      'WantedBy=multi-user.target',
    ]) {
      assert.ok(unit.split('\n').includes(line), `unit has ${line}`);
    }
    assert.match(unit, /^Environment="SHOAL_HOME=.*my 'odd' 100%% home"$/m);
    assert.match(unit, /^Environment="PATH=.+"$/m);
    assert.match(unit, /^ExecStart=".+" ".+shoal\.js" "daemon" "--foreground" "--resurrect"$/m);
    assert.match(unit, /^ExecStop=".+" ".+shoal\.js" "daemon" "--stop"$/m);
    assert.match(res.stderr, /\/etc\/systemd\/system\/shoal-.+\.service/);

    const file = join(dir, 'shoal-test.service');
    writeFileSync(file, unit);
    const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    // verify exits 0 on mere warnings (unknown keys, bad values), so its output must be empty too.
    const complaints = `${verify.stdout}${verify.stderr}`
      .split('\n')
      .filter((l) => l.includes('shoal-test.service') || /ignoring|unknown|invalid/i.test(l));
    assert.equal(verify.status, 0, verify.stderr);
    assert.deepEqual(complaints, []);
  });

  it('writes a launchd plist that parses, with the daemon command and environment', {
    skip: PYTHON ? false : 'python3 (used to parse the plist) not installed',
  }, async (t) => {
    const home = createHome(t);
    const dir = scratch(t);
    const res = await home.ok(['startup', 'launchd'], { env: { SHOAL_HOME: odd(dir) } });
    const file = join(dir, 'shoal.plist');
    writeFileSync(file, res.stdout);
    const parsed = spawnSync(
      'python3',
      ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))', file],
      { encoding: 'utf8' },
    );
    assert.equal(parsed.status, 0, parsed.stderr);
    const plist = JSON.parse(parsed.stdout) as Record<string, unknown>;
    assert.deepEqual((plist.ProgramArguments as string[]).slice(1), [
      BIN,
      'daemon',
      '--foreground',
      '--resurrect',
    ]);
    assert.equal((plist.EnvironmentVariables as Record<string, string>).SHOAL_HOME, odd(dir));
    assert.equal(plist.RunAtLoad, true);
    assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
    assert.equal(plist.AbandonProcessGroup, true);
  });

  it('writes an OpenRC script with the expected commands and shell quoting', async (t) => {
    const home = createHome(t);
    const dir = scratch(t);
    const res = await home.ok(['startup', 'openrc'], { env: { SHOAL_HOME: odd(dir) } });
    const script = res.stdout;
    assert.ok(script.startsWith('#!/sbin/openrc-run\n'));
    for (const re of [
      /^command='.+'$/m,
      /^command_user='.+'$/m,
      /^command_background=true$/m,
      /^pidfile='\/run\/shoal-.+\.pid'$/m,
      /^depend\(\) \{\n {2}need net$/m,
      /^stop_pre\(\) \{$/m,
      /^ {2}'.+' '.+shoal\.js' kill$/m,
    ]) {
      assert.match(script, re);
    }
    // Source it in sh (it only defines variables and functions) and split command_args as OpenRC does.
    const file = join(dir, 'shoal-openrc');
    writeFileSync(file, script);
    const shell = spawnSync(
      'sh',
      ['-c', '. "$1"; eval "set -- $command_args"; printf "%s\\n" "$SHOAL_HOME" "$@"', 'sh', file],
      { encoding: 'utf8' },
    );
    assert.equal(shell.status, 0, shell.stderr);
    assert.deepEqual(shell.stdout.trimEnd().split('\n'), [
      odd(dir),
      BIN,
      'daemon',
      '--foreground',
      '--resurrect',
    ]);
  });

  it('refuses an unknown init system with its code', async (t) => {
    const home = createHome(t);
    const res = await home.run(['startup', 'upstart']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Unknown init system "upstart".*\[SHOAL_ERR_STARTUP\]/);
  });

  it('prints a sudo command instead of installing when not root', (t) => {
    const home = createHome(t);
    // As root, run the CLI as "nobody" (uid 65534), so that --install cannot write anything.
    const res = spawnSync(process.execPath, [BIN, 'startup', 'systemd', '--install'], {
      env: { ...home.env(), HOME: tmpdir() },
      encoding: 'utf8',
      ...(IS_ROOT ? { uid: 65534, gid: 65534 } : {}),
    });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^\[Service\]$/m, 'the unit is printed');
    assert.match(
      res.stderr,
      /needs root\. Run:\n\n {2}sudo env SHOAL_HOME=.+ startup systemd --user .+ --install/,
    );
  });

  it('runs the daemon in the foreground, resurrecting the saved apps, until ExecStop stops it', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'boot-app']);
    await home.ok(['save']);
    await home.ok(['kill']);

    const daemon = spawn(process.execPath, [BIN, 'daemon', '--foreground', '--resurrect'], {
      env: home.env(),
      stdio: 'ignore',
    });
    t.after(() => daemon.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
    // Any CLI command before then would start a background daemon of its own (which wins the home lock).
    await waitFor('the foreground daemon to serve', () => home.daemonPid() === daemon.pid);
    await waitFor('the saved app to be resurrected', async () => {
      const list = await home.list();
      return list.length === 1 && list[0]?.name === 'boot-app' && list[0].status === 'online';
    });

    const second = await home.run(['daemon', '--foreground']);
    assert.equal(second.code, 3);
    assert.match(second.stderr, /a daemon already serves/);

    // ExecStop: only the daemon systemd names in $MAINPID is stopped, never another one.
    const noMain = await home.ok(['daemon', '--stop']);
    assert.match(noMain.stdout, /MAINPID is not set/);
    const otherMain = await home.ok(['daemon', '--stop'], { env: { MAINPID: String(process.pid) } });
    assert.match(otherMain.stdout, /is not this service's .*left running/);
    assert.equal((await home.list())[0]?.status, 'online');

    const stop = await home.ok(['daemon', '--stop'], { env: { MAINPID: String(daemon.pid) } });
    assert.match(stop.stdout, /Stopped 1 process\(es\)/);
    assert.equal(await exited, 0);
  });
});
