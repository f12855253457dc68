// The web dashboard in a real headless Chromium (Debian's chromium, driven by playwright-core): it lists
// the app once the token is entered, its figures move, logs stream, actions work, and nothing is shown or
// changed without the token.
// A screenshot is written to test-artifacts/dashboard.png on every run, pass or fail.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createHome, fixture, freePort, ROOT, type ShoalHome, waitFor } from '../helpers/shoal.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A POST as any client could send it, with the headers under test. */
function post(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

const cell = (page: Page, app: string, cls: string) =>
  page.locator(`section.app[data-app="${app}"] tbody tr >> nth=0 >> td.${cls}`);

describe('web dashboard', () => {
  it('shows live figures and logs, and restarts an app only with the token', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('memory-grower.js'), '--name', 'dash-app'], {
      env: {
        SHOAL_WEB_PORT: String(port),
        SHOAL_SAMPLE_INTERVAL_MS: '500',
        GROW_STEP_MB: '1',
        GROW_EVERY_MS: '200',
        GROW_CAP_MB: '400',
      },
    });
    const info = JSON.parse((await home.ok(['dashboard', '--json'])).stdout) as {
      url: string;
      token_file: string;
    };
    assert.equal(info.url, `http://127.0.0.1:${port}/`);
    assert.equal(info.token_file, join(home.dir, 'web-token'));
    assert.equal(statSync(info.token_file).mode & 0o777, 0o600, 'the token file is private');
    const token = readFileSync(info.token_file, 'utf8').trim();
    assert.match(token, /^[0-9a-f]{64}$/, '32 random bytes, hex');

    // Refused without the token, from another site, or under another host name; nothing restarts.
    const restartPath = '/api/apps/dash-app/restart';
    const noToken = await post(port, restartPath, { 'content-type': 'application/json' });
    assert.equal(noToken.status, 401);
    assert.equal(JSON.parse(noToken.body).error.code, 'SHOAL_ERR_WEB_UNAUTHORIZED');
    const wrongToken = await post(port, restartPath, { authorization: `Bearer ${'0'.repeat(64)}` });
    assert.equal(wrongToken.status, 401);
    const crossSite = await post(port, restartPath, {
      authorization: `Bearer ${token}`,
      origin: 'http://evil.example',
    });
    assert.equal(crossSite.status, 403);
    const rebound = await post(port, restartPath, {
      authorization: `Bearer ${token}`,
      host: `evil.example:${port}`,
    });
    assert.equal(rebound.status, 403);
    assert.equal((await home.list())[0]!.restarts, 0, 'refused requests changed nothing');

    mkdirSync(ARTIFACTS, { recursive: true });
    const browser: Browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.after(() => browser.close());
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await exercisePage(page, info.url, token, home);
    } finally {
      // Every run leaves a picture of the page, taken before the daemon is killed, so a failure can be
      // seen and not only read.
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true }).catch(() => {});
    }
  });
});

describe('web dashboard settings', () => {
  it('runs the daemon without the dashboard when its port is taken', async (t) => {
    const home = createHome(t);
    const blocker = createServer(() => {});
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    t.after(() => blocker.close());
    const port = (blocker.address() as AddressInfo).port;
    await home.ok(['start', fixture('forever.js'), '--name', 'still-runs'], {
      env: { SHOAL_WEB_PORT: String(port) },
    });
    assert.equal((await home.list())[0]?.status, 'online', 'the daemon serves its apps');
    const res = await home.run(['dashboard', '--json']);
    assert.equal(res.code, 1);
    const off = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...off, off_reason: null },
      { url: null, metrics_url: null, token_file: null, off_reason: null },
    );
    assert.match(
      String(off.off_reason),
      new RegExp(`^127\\.0\\.0\\.1:${port} could not be listened on: .*EADDRINUSE`),
    );
    assert.match(
      (await home.run(['dashboard'])).stderr,
      /dashboard is off: 127\.0\.0\.1:\d+ could not be listened on/,
    );
    assert.match(readFileSync(join(home.dir, 'shoal.log'), 'utf8'), /web\.listen_failed .*EADDRINUSE/);
    assert.equal(
      existsSync(join(home.dir, 'web-token')),
      false,
      'no token for a dashboard that does not run',
    );
  });

  it('is off with SHOAL_WEB_PORT=0', async (t) => {
    const home = createHome(t);
    await home.ok(['ping'], { env: { SHOAL_WEB_PORT: '0' } });
    assert.equal((await home.run(['dashboard', '--json'])).code, 1);
    assert.match((await home.run(['dashboard'])).stderr, /dashboard is off: SHOAL_WEB_PORT=0 turns it off/);
    assert.equal(existsSync(join(home.dir, 'web-token')), false);
  });

  it('says an invalid SHOAL_WEB_PORT is the reason it is off', async (t) => {
    const home = createHome(t);
    await home.ok(['ping'], { env: { SHOAL_WEB_PORT: '97x6' } });
    const res = await home.run(['dashboard']);
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /^The dashboard is off: SHOAL_WEB_PORT=97x6 is not a port number \(0 to 65535\)/,
    );
  });
});

async function exercisePage(page: Page, url: string, token: string, home: ShoalHome): Promise<void> {
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(url);

  // Locked until the token is entered: the page shows no process and says what to do.
  await waitFor('the page to ask for the token', async () =>
    /token/i.test((await page.textContent('#message')) ?? ''),
  );
  assert.equal(await page.textContent('#conn'), 'locked');
  assert.equal(await page.locator('section.app').count(), 0, 'no process shown without the token');
  await page.fill('#token', '0'.repeat(64));
  await page.click('#save-token');
  await waitFor('a wrong token to be refused', async () =>
    /not the token/.test((await page.textContent('#message')) ?? ''),
  );
  await page.fill('#token', token);
  await page.click('#save-token');

  await page.locator('section.app[data-app="dash-app"]').waitFor({ timeout: 20_000 });
  await waitFor(
    'online in the page',
    async () => (await cell(page, 'dash-app', 'status').textContent()) === 'online',
  );

  // Live: the memory figure the page shows changes while the page stays open.
  const memory = cell(page, 'dash-app', 'memory');
  const first = Number(await memory.getAttribute('data-value'));
  await waitFor(
    'the memory shown to change',
    async () => Number(await memory.getAttribute('data-value')) !== first,
    { timeoutMs: 20_000 },
  );

  // Logs stream in over Server-Sent Events.
  await waitFor(
    'log lines in the page',
    async () => /holding \d+ MB/.test((await page.textContent('#log')) ?? ''),
    {
      timeoutMs: 20_000,
    },
  );

  // With the token entered, restart goes through.
  await page.click('section.app[data-app="dash-app"] button[data-action="restart"]');
  await waitFor(
    'restarts 1 in the page',
    async () => (await cell(page, 'dash-app', 'restarts').getAttribute('data-value')) === '1',
    { timeoutMs: 20_000 },
  );
  const [p] = await home.list();
  assert.equal(p!.restarts, 1, 'shoal ls agrees');
  assert.equal(p!.last_restart_reason, 'restarted by user');
  await waitFor(
    'online again in the page',
    async () => (await cell(page, 'dash-app', 'status').textContent()) === 'online',
  );

  // Scale from the page: a second process appears in the page and in shoal ls.
  await page.fill('section.app[data-app="dash-app"] input.scale-input', '2');
  await page.click('section.app[data-app="dash-app"] button[data-action="scale"]');
  await waitFor(
    '2/2 online in the page',
    async () =>
      (await page.getAttribute('section.app[data-app="dash-app"] .count', 'data-online')) === '2' &&
      (await page.locator('section.app[data-app="dash-app"] tbody tr').count()) === 2,
    { timeoutMs: 20_000 },
  );
  assert.equal((await home.list()).length, 2, 'shoal ls shows the new process');

  // The charts have something drawn on them (not a blank canvas).
  // A string, not a function: this project compiles without the DOM library.
  const drawn = Number(
    await page.evaluate(`(() => {
        const c = document.querySelector('section.app canvas[data-chart="memory"]');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
        return painted;
      })()`),
  );
  assert.ok(drawn > 100, `the memory chart is drawn (${drawn} painted pixels)`);
  assert.deepEqual(pageErrors, [], 'no script errors in the page');
}
