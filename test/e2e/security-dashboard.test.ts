// The dashboard against a client without the token, which is what every other local user is: 127.0.0.1
// is theirs too. They read no process list and no log line, cannot take the log streams away from the
// owner, and get a coded answer, not a 500, for a malformed URL. /metrics stays open for Prometheus and
// carries no log text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request; for a stream (SSE) the answer comes with its headers and the connection is kept in held. */
function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  held?: IncomingMessage[],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      if (held && res.statusCode === 200) {
        held.push(res);
        resolve({ status: 200, headers: res.headers, body: '' });
        return;
      }
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const codeOf = (a: Answer) => (JSON.parse(a.body) as { error: { code: string } }).error.code;

async function dashboardHome(
  t: Parameters<typeof createHome>[0],
): Promise<{ home: ShoalHome; port: number; token: string }> {
  const home = createHome(t);
  const port = await freePort();
  await home.ok(['start', fixture('print-lines.js'), '--name', 'private-app', '--', '3'], {
    env: { SHOAL_WEB_PORT: String(port) },
  });
  await waitFor('the app to log', () => readFileSync(home.logPath('private-app'), 'utf8').includes('done'));
  const token = readFileSync(`${home.dir}/web-token`, 'utf8').trim();
  return { home, port, token };
}

describe('the dashboard for a client without the token', () => {
  it('shows no process and no log line, and a session cookie is made only with the token', async (t) => {
    const { port, token } = await dashboardHome(t);
    let bad = 0;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${'0'.repeat(64)}` },
      { authorization: `Bearer ${token.slice(0, 63)}` },
      { cookie: 'shoal_session=forged' },
      { cookie: `shoal_session=${token}` },
    ];
    for (const headers of attempts) {
      for (const path of ['/api/state', '/api/logs?app=private-app']) {
        const res = await http(port, 'GET', path, headers);
        bad += 1;
        assert.equal(res.status, 401, `${path} with ${JSON.stringify(headers)}`);
        assert.equal(codeOf(res), 'SHOAL_ERR_WEB_UNAUTHORIZED');
        assert.doesNotMatch(res.body, /private-app|line 0 of 3/);
      }
    }
    const wrong = await http(port, 'POST', '/api/session', { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    bad += 1 + 1;

    // The owner: bearer header, or the session cookie the page gets for the token.
    const bearer = await http(port, 'GET', '/api/state', { authorization: `Bearer ${token}` });
    assert.equal(bearer.status, 200);
    assert.match(bearer.body, /private-app/);
    const session = await http(port, 'POST', '/api/session', { authorization: `Bearer ${token}` });
    assert.equal(session.status, 204);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    assert.match(String(session.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.doesNotMatch(cookie, new RegExp(token), 'the cookie is a session id, not the token');
    assert.equal((await http(port, 'GET', '/api/state', { cookie })).status, 200);
    // The cookie reads; it does not act (a browser sends it along with a forged request).
    const act = await http(port, 'POST', '/api/apps/private-app/stop', { cookie });
    assert.equal(act.status, 401);
    bad += 1;
    t.diagnostic(`bad inputs tried: ${bad}`);
  });

  it('keeps /metrics open with figures and no log text', async (t) => {
    const { port } = await dashboardHome(t);
    const res = await http(port, 'GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.body, /shoal_process_up\{app="private-app"/);
    assert.doesNotMatch(res.body, /line \d of 3|done/);
  });

  it('limits log streams per client, so streams held by others never lock the owner out', async (t) => {
    const { port, token } = await dashboardHome(t);
    const held: IncomingMessage[] = [];
    t.after(() => {
      for (const r of held) r.destroy();
    });
    // Without the token: 40 attempts, none held open.
    for (let i = 0; i < 40; i++)
      assert.equal((await http(port, 'GET', '/api/logs?app=private-app', {}, held)).status, 401);
    assert.equal(held.length, 0);
    // One owner's tab (a session) holding streams open takes at most 8 of them...
    const open = async () => {
      const s = await http(port, 'POST', '/api/session', { authorization: `Bearer ${token}` });
      return String(s.headers['set-cookie']).split(';')[0]!;
    };
    const greedy = await open();
    for (let i = 0; i < 8; i++)
      assert.equal(
        (await http(port, 'GET', '/api/logs?app=private-app', { cookie: greedy }, held)).status,
        200,
      );
    assert.equal(
      (await http(port, 'GET', '/api/logs?app=private-app', { cookie: greedy }, held)).status,
      503,
    );
    // ...and another session still gets its stream, with the log lines in it.
    const other = await open();
    const stream = await http(port, 'GET', '/api/logs?app=private-app', { cookie: other }, held);
    assert.equal(stream.status, 200);
    const last = held[held.length - 1]!;
    let text = '';
    last.on('data', (c) => {
      text += c;
    });
    await waitFor('log lines in the stream', () => text.includes('line 2 of 3'));
  });

  it('answers malformed URLs with a coded 400, not a 500', async (t) => {
    const { home, port, token } = await dashboardHome(t);
    const auth = { authorization: `Bearer ${token}` };
    const bad = [
      '/api/apps/%E0%A4%A/restart',
      '/api/apps/%zz/stop',
      '/api/apps/%/reload',
      '/api/apps/%C0%80/restart',
    ];
    for (const path of bad) {
      const res = await http(port, 'POST', path, auth);
      assert.equal(res.status, 400, `${path}: ${res.body}`);
      assert.equal(codeOf(res), 'SHOAL_ERR_PROTOCOL_INVALID');
    }
    assert.equal((await home.list())[0]!.restarts, 0, 'nothing restarted');
    t.diagnostic(`bad inputs tried: ${bad.length}`);
  });
});
