// `start` (and restart, reload, scale) tells the truth: it waits until what it started is online or has
// failed, and exits non-zero with the reason and the app's own error; a spawn that cannot happen is not
// a crash loop; exits are recorded as they happened; a name already taken is an error; the first cluster
// start gives a hint; a failed reload quotes the app's error from its first line.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, waitFor } from '../helpers/shoal.js';

describe('start outcomes', () => {
  it('fails a start whose fork instances cannot all bind the port, naming the cause and the fix', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const res = await home.run(
      ['start', fixture('http-hello.js'), '--name', 'fixed', '-i', '2', '--exec-mode', 'fork'],
      {
        env: { PORT: String(port) },
      },
    );
    assert.equal(res.code, 1, res.stdout);
    assert.match(
      res.stderr,
      /fixed \(id \d\) did not come online: exited with code 1 after \d+ ms .*\[SHOAL_ERR_START_FAILED\]/,
    );
    assert.match(res.stderr, /EADDRINUSE/, 'quotes the error the process printed');
    assert.match(res.stderr, new RegExp(`every instance binds port ${port} itself.*cluster mode`));
    const list = await home.list();
    assert.equal(list.length, 2);
    assert.equal(
      list.filter((p) => p.status === 'online' && p.restarts === 0).length,
      1,
      'the first one holds the port',
    );
  });

  it('puts an app whose interpreter is missing in errored at once, with no restarts', async (t) => {
    const home = createHome(t);
    const started = Date.now();
    const res = await home.run([
      'start',
      fixture('worker.py'),
      '--name',
      'py',
      '--interpreter',
      '/nonexistent/python9',
    ]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /cannot start: \/nonexistent\/python9 does not exist/);
    assert.ok(Date.now() - started < 10_000);
    const [p] = await home.list();
    assert.equal(p!.status, 'errored');
    assert.equal(p!.restarts, 0, 'a spawn that cannot happen is not retried');
    assert.equal(p!.pid, null);
    assert.match(p!.status_reason, /^cannot start: /);
  });

  it('says nothing failed with --no-wait, and reports a crash loop without it', async (t) => {
    const home = createHome(t);
    const broken = await home.run(['start', fixture('broken-app.js'), '--name', 'broken']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken \(id \d\) did not come online/);
    await home.ok(['delete', 'broken']);
    const quick = await home.run(['start', fixture('broken-app.js'), '--name', 'broken', '--no-wait']);
    assert.equal(quick.code, 0, quick.stderr);
    assert.doesNotMatch(quick.stderr, /did not come online/);
  });

  it('records a kill -TERM from outside as killed by SIGTERM, so stop_exit_codes [0] still restarts it', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'idle', '--stop-exit-codes', '0']);
    const [before] = await home.list();
    process.kill(before!.pid!, 'SIGTERM');
    const [after] = await waitFor('restarted', async () => {
      const l = await home.describe('idle');
      return l.length === 1 && l[0]!.restarts === 1 && l[0]!.status === 'online' ? l : null;
    });
    assert.equal(after!.last_exit?.signal, 'SIGTERM');
    assert.equal(after!.last_exit?.reason, 'killed by SIGTERM');
  });

  it('runs an extensionless npm-style bin file on Node with the preload, in cluster mode too', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('bin/node-tool'), '--name', 'tool', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const [d] = await home.describe('tool');
    assert.equal(d!.config.interpreter, 'node');
    assert.equal(d!.mode, 'cluster');
    assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /preloaded/);
    assert.notEqual(d!.heap_used, undefined);
  });

  it('stops a cluster app that closes its server on a signal without SIGKILL', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(
      [
        'start',
        fixture('close-on-signal.js'),
        '--name',
        'closer',
        '-i',
        '2',
        '--kill-signal',
        'SIGTERM',
        '-k',
        '10s',
      ],
      {
        env: { PORT: String(port) },
      },
    );
    const started = Date.now();
    await home.ok(['stop', 'closer']);
    assert.ok(Date.now() - started < 5_000, 'not held until kill_timeout');
    const details = await home.describe('closer');
    assert.equal(details.length, 2);
    for (const d of details) assert.equal(d.last_exit?.reason, 'exited with code 0');
  });

  it('refuses a second script under a name already running, and options on a known app', async (t) => {
    const home = createHome(t);
    const dir = home.dir;
    writeFileSync(join(dir, 'w.sh'), '#!/bin/sh\nexec sleep 60\n');
    writeFileSync(join(dir, 'w.py'), 'import time\ntime.sleep(60)\n');
    chmodSync(join(dir, 'w.sh'), 0o755);
    await home.ok(['start', join(dir, 'w.sh')]);
    const second = await home.run(['start', join(dir, 'w.py')]);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /An app named "w" already runs .*w\.sh, so .*w\.py was not started.*--name.*\[SHOAL_ERR_APP_EXISTS\]/s,
    );
    assert.deepEqual(
      (await home.list()).map((p) => p.name),
      ['w'],
    );

    const renamed = await home.run(['start', 'w', '--name', 'w2', '--', '--flag']);
    assert.equal(renamed.code, 1);
    assert.match(
      renamed.stderr,
      /"w" is an app the daemon already knows .*--name, arguments after --.*shoal start .*w\.sh --name/s,
    );
    const more = await home.run(['start', 'w', '-i', '3']);
    assert.equal(more.code, 1);
    assert.match(
      more.stderr,
      /--instances cannot apply to it\. To run 3 instances of it, run "shoal scale w 3"\./,
    );
    const [w] = await home.list();
    assert.equal(w!.restarts, 0, 'the known app was left alone');
  });

  it('quotes a failed reload from the first line the new worker printed: file, line and caret', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const script = join(home.dir, 'app.js');
    copyFileSync(fixture('http-hello.js'), script);
    writeFileSync(join(home.dir, 'package.json'), '{"type":"commonjs"}');
    await home.ok(['start', script, '--name', 'web', '-i', '2'], { env: { PORT: String(port) } });
    writeFileSync(script, "const x = ;\nrequire('http').createServer().listen(0);\n");
    const res = await home.run(['reload', 'web']);
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      new RegExp(`${script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1`),
      'the file and line',
    );
    assert.match(res.stderr, /const x = ;/, 'the source line');
    assert.match(res.stderr, /\^/, 'the caret');
    assert.match(res.stderr, /SyntaxError/);
  });

  it('gives the cluster hint on the first cluster start of an app only, and never with --no-hints', async (t) => {
    const home = createHome(t);
    const first = await home.ok(
      ['start', fixture('http-hello.js'), '--name', 'c1', '-i', '1', '--exec-mode', 'cluster'],
      {
        env: { PORT: String(await freePort()) },
      },
    );
    assert.match(first.stderr, /c1 runs in cluster mode: each worker has its own memory/);
    await home.ok(['delete', 'c1']);
    const again = await home.ok(
      ['start', fixture('http-hello.js'), '--name', 'c1', '-i', '1', '--exec-mode', 'cluster'],
      {
        env: { PORT: String(await freePort()) },
      },
    );
    assert.doesNotMatch(again.stderr, /runs in cluster mode/);
    const quiet = await home.ok(
      ['start', fixture('http-hello.js'), '--name', 'c2', '-i', '1', '--exec-mode', 'cluster', '--no-hints'],
      { env: { PORT: String(await freePort()) } },
    );
    assert.doesNotMatch(quiet.stderr, /runs in cluster mode/);
  });
});
