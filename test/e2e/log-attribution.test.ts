// Merged cluster logs say which worker wrote each line: `shoal logs` prefixes every raw line of a file
// that several workers write with `<instance>|<app>`, in --json too, while following, and after the file
// rotated; the log file itself stays raw.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, type ShoalHome, waitFor } from '../helpers/shoal.js';

const LINE = /^worker (\d+) line (\d+)$/;
const PREFIXED = /^(\d+)\|web \| (worker (\d+) line (\d+))$/;

/** A cluster app of 3 workers printing lines that name their instance, its files rotating at 32 KiB. */
async function startWorkers(home: ShoalHome): Promise<void> {
  const file = home.writeProcessFile({
    apps: [
      {
        name: 'web',
        script: fixture('instance-lines.js'),
        instances: 3,
        exec_mode: 'cluster',
        log_max_size: '32K',
      },
    ],
  });
  await home.ok(['start', file]);
}

/** Lines of the file that each worker wrote, with none misnamed: fails on the first that is not. */
function checkNamed(lines: string[]): Set<string> {
  const seen = new Set<string>();
  for (const line of lines) {
    const m = PREFIXED.exec(line);
    assert.ok(m, `not prefixed with its worker: ${JSON.stringify(line)}`);
    assert.equal(m[1], m[3], `named ${m[1]} but written by ${m[3]}: ${line}`);
    seen.add(m[1]!);
  }
  return seen;
}

const rotatedCount = (home: ShoalHome) =>
  readdirSync(join(home.dir, 'logs')).filter((f) => f.startsWith('web-out__')).length;

describe('merged logs name their writer', () => {
  it('logs --nostream and --json name the worker of every line, before and after a rotation', async (t) => {
    const home = createHome(t);
    await startWorkers(home);
    const out = home.logPath('web');
    const everyWorker = () => {
      const text = readFileSync(out, 'utf8');
      return ['0', '1', '2'].every((i) => text.includes(`worker ${i} line `));
    };
    await waitFor('every worker wrote', everyWorker);
    // The file itself stays raw: what the app printed, nothing added.
    for (const l of readFileSync(out, 'utf8').split('\n').filter(Boolean)) assert.match(l, LINE);

    // Read again should the file have rotated just before (it holds a few hundred lines).
    const lines = await waitFor('40 lines', async () => {
      const human = (await home.ok(['logs', 'web', '--nostream', '--out', '--lines', '40'])).stdout;
      const all = human.split('\n').filter(Boolean);
      assert.match(all.shift()!, /web-out\.log \(last \d+ lines\)$/);
      return all.length === 40 ? all : null;
    });
    assert.deepEqual([...checkNamed(lines)].sort(), ['0', '1', '2']);

    const objects = await waitFor('40 JSON lines', async () => {
      const json = (await home.ok(['logs', 'web', '--nostream', '--out', '--json', '--lines', '40'])).stdout;
      const all = json
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { instance: number | null; message: string; app_name: string });
      return all.length === 40 ? all : null;
    });
    for (const o of objects) {
      assert.equal(o.app_name, 'web');
      assert.equal(`worker ${o.instance} `, o.message.slice(0, `worker ${o.instance} `.length), o.message);
    }

    // Rotation starts the file and its index over; the new file's lines are named too.
    const before = rotatedCount(home);
    await waitFor('the file rotated', () => rotatedCount(home) > before, { timeoutMs: 60_000 });
    await waitFor('the new file has lines of every worker', everyWorker);
    const rotated = (await home.ok(['logs', 'web', '--nostream', '--out', '--lines', '30'])).stdout;
    const named = rotated.split('\n').filter(Boolean).slice(1);
    assert.ok(named.length >= 1);
    checkNamed(named);
  });

  it('logs (following) names the worker of each new line, in order, across a rotation', async (t) => {
    const home = createHome(t);
    await startWorkers(home);
    const out = home.logPath('web');
    await waitFor('the workers are writing', () => readFileSync(out, 'utf8').includes('worker 2 line '));
    let printed = '';
    const child: ChildProcess = spawn(process.execPath, [BIN, 'logs', 'web', '--out', '--lines', '0'], {
      env: home.env(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      child.kill('SIGKILL');
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      printed += chunk;
    });
    const followed = () => printed.split('\n').slice(1, -1); // after the header, whole lines only
    const startRotations = rotatedCount(home);
    await waitFor('lines of every worker', () => checkNamed(followed()).size === 3);
    await waitFor('a rotation while following', () => rotatedCount(home) > startRotations, {
      timeoutMs: 60_000,
    });
    const atRotation = followed().length;
    await waitFor('lines after the rotation', () => followed().length > atRotation + 60);
    const lines = followed();
    checkNamed(lines);
    // Each worker's lines come in the order it printed them.
    const last = new Map<string, number>();
    for (const line of lines) {
      const m = PREFIXED.exec(line)!;
      const n = Number(m[4]);
      assert.ok((last.get(m[3]!) ?? -1) < n, `worker ${m[3]} line ${n} out of order`);
      last.set(m[3]!, n);
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
