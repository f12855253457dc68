// The package as a dependency: its types compile in a project (defineConfig for a typed process file,
// shoal/runtime for an app) under the current and the older moduleResolution settings, and connect()
// drives a real daemon from a script. Both use the built package (dist/), as an installed one would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, ROOT, waitFor } from '../helpers/shoal.js';

type Api = typeof import('../../src/index.js');
/** The built entry, through a variable so that typechecking does not need dist/ to exist. */
const DIST_ENTRY = new URL('../../dist/index.js', import.meta.url).href;

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONFIG = `import { defineConfig } from 'shoal';
export default defineConfig({
  apps: [
    {
      name: 'api',
      script: 'server.js',
      instances: 'max',
      exec_mode: 'cluster',
      max_memory_restart: '300M',
      node_args: '--enable-source-maps',
      env: { NODE_ENV: 'development', PORT: 3000 },
      env_production: { NODE_ENV: 'production' },
    },
  ],
});
`;
const APP = `import { isShoalError, metrics, onShutdown, ready } from 'shoal/runtime';
const requests = metrics.counter('requests_total', 'requests');
requests.inc();
onShutdown(async () => {});
ready();
export const check = (err: unknown): boolean => isShoalError(err);
`;
const BAD = `import { defineConfig } from 'shoal';
export const typo = defineConfig({ apps: [{ name: 'api', scirpt: 'server.js' }] });
export const wrong = defineConfig({ apps: [{ name: 'api', script: 'server.js', instances: true }] });
`;

function project(t: { after: (fn: () => void) => void }, resolution: 'nodenext' | 'node10'): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'shoal'), 'dir');
  const compilerOptions =
    resolution === 'nodenext'
      ? { module: 'nodenext', moduleResolution: 'nodenext' }
      : { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '5.0' };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: 'es2022',
      },
      include: ['*.ts'],
    }),
  );
  if (resolution === 'nodenext') writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  return dir;
}

function tsc(dir: string): { ok: boolean; output: string } {
  try {
    execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
    return { ok: true, output: '' };
  } catch (err) {
    return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
  }
}

describe('the package as a dependency', () => {
  for (const resolution of ['nodenext', 'node10'] as const) {
    it(`types a process file and an app with moduleResolution ${resolution}`, (t) => {
      const dir = project(t, resolution);
      writeFileSync(join(dir, 'ecosystem.config.ts'), CONFIG);
      writeFileSync(join(dir, 'app.ts'), APP);
      const good = tsc(dir);
      assert.ok(good.ok, `a typed config and app compile:\n${good.output}`);
      // The types must be real: a misspelt key and a wrong value fail (were they any, both would pass).
      writeFileSync(join(dir, 'bad.ts'), BAD);
      const bad = tsc(dir);
      assert.equal(bad.ok, false, 'bad.ts must not compile');
      assert.match(bad.output, /bad\.ts\(2,.*'scirpt' does not exist/);
      assert.match(bad.output, /bad\.ts\(3,.*Type 'true' is not assignable/);
    });
  }

  it('connect() lists, starts, scales, reloads, stops and deletes apps, and streams logs and events', async (t) => {
    const home = createHome(t);
    const { connect, isShoalError } = (await import(DIST_ENTRY)) as Api;
    const client = await connect({ home: home.dir });
    t.after(() => client.close());
    assert.deepEqual(await client.list(), []);
    const port = await freePort();
    process.env.PORT = String(port);
    t.after(() => {
      delete process.env.PORT;
    });
    const started = await client.start({
      apps: [{ name: 'web', script: fixture('http-hello.js'), instances: 2 }],
    });
    assert.equal(started.ok, true, JSON.stringify(started.failures));
    assert.deepEqual(
      started.processes.map((p) => [p.name, p.status]),
      [
        ['web', 'online'],
        ['web', 'online'],
      ],
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
    const [detail] = await client.describe('web');
    assert.equal(detail?.config.exec_mode, 'cluster');

    const events = client.events({ intervalMs: 100 });
    const firstEvent = events.next();
    const scaled = await client.scale('web', 3);
    assert.equal(scaled.processes.length, 3);
    const added = await firstEvent;
    assert.equal(added.value?.type, 'added');
    await events.return(undefined);

    const before = (await client.list()).map((p) => p.pid);
    const reloaded = await client.reload('web');
    assert.ok(reloaded.ok);
    assert.ok(
      reloaded.processes.every((p) => !before.includes(p.pid)),
      'every worker replaced',
    );

    await client.start({ apps: [{ name: 'talker', script: fixture('print-lines.js'), args: ['3'] }] });
    const past = await waitFor('the past lines of talker through logs()', async () => {
      const got: string[] = [];
      for await (const l of client.logs('talker', { lines: 10 })) got.push(l.line);
      return got.includes('done') ? got : null;
    });
    assert.deepEqual(past, ['line 0 of 3', 'line 1 of 3', 'line 2 of 3', 'done']);
    // Following: the lines of the next run arrive as they are written.
    const followed: string[] = [];
    const reading = (async () => {
      for await (const l of client.logs('talker', { lines: 0, follow: true })) {
        followed.push(l.line);
        if (l.line === 'done') break;
      }
    })();
    await client.restart('talker');
    await reading;
    assert.deepEqual(followed, ['line 0 of 3', 'line 1 of 3', 'line 2 of 3', 'done']);

    const bad = await client
      .start({ apps: [{ name: 'oops', script: fixture('forever.js'), instances: 'x' }] })
      .catch((err: unknown) => err);
    assert.ok(isShoalError(bad) && bad.code === 'SHOAL_ERR_CONFIG_INVALID', String(bad));

    const stopped = await client.stop('web');
    assert.ok(stopped.every((p) => p.status === 'stopped'));
    await client.delete('all');
    assert.deepEqual(await client.list(), []);
  });
});
