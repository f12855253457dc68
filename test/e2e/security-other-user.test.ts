// What another local user can do to a running Shoal: nothing through the home. They cannot take the
// home lock first (the daemon would never start), flood it or the control socket with connections (the
// daemon ran out of descriptors), or read anything under the home. Each test runs the other user's
// program for real, as that user.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { runAs } from '../helpers/as-user.js';
import { describe, it } from '../helpers/node-test.js';
import { createOtherUser, otherUserUnavailable } from '../helpers/other-user.js';
import { createHome, fixture, holdsFor } from '../helpers/shoal.js';

const skip = otherUserUnavailable() ?? false;

/** The abstract Unix sockets (names starting with @ in /proc/net/unix) among a process's descriptors. */
function abstractSocketsOf(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && inodes.has(f[6]!) && f[7]!.startsWith('@'))
    .map((f) => f[7]!);
}

/** The other user's program: binds the old lock name, then tries every path it is given many times. */
const ATTACKER = `
import { connect, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
const [abstractName, ...paths] = process.argv.slice(1);
const squat = createServer();
const squatted = await new Promise((r) => { squat.once('error', () => r(false)); squat.listen('\\0' + abstractName, () => r(true)); });
const outcomes = {};
const held = [];
for (const path of paths) {
  for (let i = 0; i < 300; i++) {
    const code = await new Promise((r) => {
      const s = connect(path);
      s.once('connect', () => { held.push(s); r('connected'); });
      s.once('error', (e) => r(e.code));
    });
    outcomes[code] = (outcomes[code] ?? 0) + 1;
  }
}
// The names of every abstract socket on the machine: none may belong to Shoal now.
const shoalAbstract = readFileSync('/proc/net/unix', 'utf8').split('\\n').filter((l) => l.includes('@shoal'));
console.log(JSON.stringify({ squatted, outcomes, shoalAbstract }));
setInterval(() => {}, 1000);
`;

describe('another local user against a running home', { skip }, () => {
  it('cannot take the home lock first, reach it or the control socket, and the daemon starts regardless', async (t) => {
    const other = createOtherUser(t);
    const home = createHome(t);
    await home.ok(['ls']); // the home exists (0700); then stop its daemon, to race the next start
    await home.ok(['kill']);
    // The name the daemon's lock had when it was an abstract socket: computable by anyone.
    const oldName = `shoal-daemon-${createHash('sha256').update(realpathSync(home.dir)).digest('hex').slice(0, 40)}`;
    const attacker = runAs(t, other, ATTACKER, [
      oldName,
      join(home.dir, 'daemon.lock'),
      join(home.dir, 'shoal.sock'),
    ]);
    const report = (await attacker.report) as {
      squatted: boolean;
      outcomes: Record<string, number>;
      shoalAbstract: string[];
    };
    assert.equal(report.squatted, true, 'the attacker holds the old lock name');
    await home.ok(['start', fixture('forever.js'), '--name', 'victim']);
    assert.deepEqual(report.outcomes, { EACCES: 600 }, 'every connection as the other user was refused');

    // With the daemon up, the attacker tries again from a fresh program: still nothing reachable.
    const again = runAs(t, other, ATTACKER, [
      `${oldName}-2`,
      join(home.dir, 'daemon.lock'),
      join(home.dir, 'shoal.sock'),
    ]);
    const second = (await again.report) as typeof report;
    assert.deepEqual(second.outcomes, { EACCES: 600 });
    // The daemon holds no abstract socket at all (other Shoal daemons on this machine may).
    assert.deepEqual(abstractSocketsOf(home.daemonPid()!), [], 'no abstract socket of the daemon to find');
    await holdsFor(
      'the app staying online',
      async () => (await home.list()).every((p) => p.status === 'online'),
      { forMs: 1500, intervalMs: 300 },
    );
  });
});
