// A full disk under a busy app, on a real tmpfs: the app is never blocked and nothing grows without
// bound, lost lines are counted (describe, /metrics) and said once in shoal.log, and writing resumes by
// itself when space returns. Also: a log file that cannot be opened fails the start; save on a full
// disk fails with a coded error and keeps the previous dump.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, pidAlive, ShoalHome, waitFor } from '../helpers/shoal.js';

/**
 * Mounts a tmpfs of `size` at a fresh directory, unmounted when the test ends (after `first`, such as
 * stopping a daemon whose home is there); null when mounting is not permitted.
 */
function tmpfs(t: TestContext, size: string, first?: () => Promise<unknown>): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  t.after(async () => {
    await first?.();
    // Lazy: a process that still holds a file there must not make the unmount fail.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const NO_MOUNT = 'mounting a tmpfs needs root (CAP_SYS_ADMIN); run the suite as root to test a full disk';

const count = (path: string) => {
  try {
    return Number(readFileSync(path, 'utf8')) || 0;
  } catch {
    return 0;
  }
};

function writeConfig(home: ShoalHome, app: Record<string, unknown>): string {
  const file = join(home.dir, 'apps.config.json');
  writeFileSync(file, JSON.stringify({ apps: [app] }));
  return file;
}

describe('logs on a full disk', () => {
  it('drops and counts lines while the disk is full, never blocking the app, and resumes by itself', async (t) => {
    const home = createHome(t);
    const disk = tmpfs(t, '4m');
    if (!disk) return t.skip(NO_MOUNT);
    const port = await freePort();
    const beat = join(home.dir, 'beat');
    const out = join(disk, 'flood-out.log');
    // Leave about 600 KB for the log, and keep a filler to delete later ("space returns").
    const filler = join(disk, 'filler');
    writeFileSync(filler, Buffer.alloc(3.4 * 1024 * 1024));
    const file = writeConfig(home, {
      name: 'flood',
      script: fixture('flood-forever.js'),
      args: [beat],
      out_file: out,
      error_file: join(disk, 'flood-err.log'),
      log_max_size: false,
    });
    await home.ok(['start', file], { env: { SHOAL_WEB_PORT: String(port) } });

    const detail = async () => (await home.describe('flood'))[0]!;
    await waitFor('lines dropped', async () => (await detail()).log_dropped !== null, { timeoutMs: 30_000 });
    // The app goes on: its own count keeps growing while the disk is full.
    const before = count(beat);
    await waitFor('the app writing on', () => count(beat) > before + 50_000, { timeoutMs: 30_000 });
    const full = await detail();
    assert.ok(full.log_dropped!.lines > 0);
    assert.match(full.log_dropped!.reason, /ENOSPC/);
    assert.ok(full.memory < 200 * 1024 * 1024, `the app's memory stays bounded (${full.memory} bytes)`);
    const text = (await home.ok(['describe', 'flood'])).stdout;
    assert.match(text, /dropped \d+ lines since \d{4}-\d\d-\d\dT[\d:.]+Z: ENOSPC/);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^shoal_log_dropped_lines_total\{[^}]*app="flood"[^}]*\} (\d+)$/m.exec(metrics);
    assert.ok(m && Number(m[1]) > 0, 'shoal_log_dropped_lines_total counts them');
    const daemonLog = () => readFileSync(join(home.dir, 'shoal.log'), 'utf8');
    assert.equal(daemonLog().match(/log\.write_failed/g)?.length, 1, 'the reason is logged once');
    const sizeWhenFull = statSync(out).size;

    // Space returns: no command, the writer's next retry succeeds and lines flow again.
    rmSync(filler);
    await waitFor('lines flowing again', () => statSync(out).size > sizeWhenFull + 200_000, {
      timeoutMs: 30_000,
    });
    await waitFor('the resumption logged', () => /log\.write_resumed/.test(daemonLog()));
    // Whatever was written is whole lines: a half line cut by the full disk was taken back.
    const lines = readFileSync(out, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    for (const l of lines) assert.match(l, /^flood \d+ x{80}$/);
    await home.ok(['delete', 'flood']);
  });

  it('a log file that cannot be opened fails the start, naming the app and key; nothing starts', async (t) => {
    const home = createHome(t);
    const blocked = join(home.dir, 'blocked');
    mkdirSync(blocked);
    // A directory where the file should be (EISDIR), whoever runs the test (root ignores modes).
    const res = await home.run(['start', fixture('forever.js'), '--name', 'nolog', '--error', blocked]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /App "nolog": error_file \S*blocked cannot be used: EISDIR.*\[SHOAL_ERR_LOG_FILE\]/,
    );
    assert.deepEqual(await home.list(), []);
    if (process.getuid?.() !== 0) {
      const ro = join(home.dir, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      const denied = await home.run([
        'start',
        fixture('forever.js'),
        '--name',
        'ro',
        '-o',
        join(ro, 'x.log'),
      ]);
      assert.match(denied.stderr, /EACCES.*\(out_file\).*\[SHOAL_ERR_LOG_FILE\]/);
    }
  });

  it('save on a full disk is a coded error naming the file; the dump is intact; the next save cleans up', async (t) => {
    // The whole SHOAL_HOME on the small disk; the daemon is stopped before it is unmounted.
    let home: ShoalHome | null = null;
    const dir = tmpfs(t, '512k', async () => {
      const pid = home?.daemonPid() ?? null;
      await home?.run(['kill'], { timeoutMs: 30_000 });
      if (pid !== null && pidAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    if (!dir) return t.skip(NO_MOUNT);
    home = new ShoalHome(dir);
    await home.ok(['start', fixture('forever.js'), '--name', 'keep']);
    await home.ok(['save']);
    const dump = join(home.dir, 'dump.json');
    const saved = readFileSync(dump, 'utf8');
    const filler = join(home.dir, 'filler');
    // Fill the disk to the last byte.
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: what was written stays, the disk is full
    }
    const res = await home.run(['save']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Cannot write .*dump\.json: ENOSPC.*\[SHOAL_ERR_DUMP_WRITE\]/);
    assert.equal(readFileSync(dump, 'utf8'), saved, 'the previous dump is intact');
    // A temp file left by a failed save (as a kill mid-write would) is removed by the next save.
    const pid = home.daemonPid();
    rmSync(filler);
    const stray = join(home.dir, `.dump.json.${pid}.0badf00d.tmp`);
    writeFileSync(stray, '{');
    await home.ok(['save']);
    assert.ok(!existsSync(stray), 'the stray temp file is gone');
    assert.deepEqual(
      readdirSync(home.dir).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });
});
