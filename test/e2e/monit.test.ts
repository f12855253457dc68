// `shoal monit` in a real terminal: tmux runs it in a detached pane, send-keys types, capture-pane reads
// the screen. Each test uses its own tmux server (-L) so it never touches anyone else's sessions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, type ShoalHome, waitFor } from '../helpers/shoal.js';

interface Pane {
  screen(): string;
  keys(...keys: string[]): void;
  /** monit's exit code once it has exited, else null. */
  exitCode(): number | null;
  /** True while the pane shows its alternate screen (monit running), false once it was left. */
  alternate(): boolean;
}

function openMonit(t: TestContext, home: ShoalHome): Pane {
  const server = `shoal-monit-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  // tmux runs this through sh, which writes monit's exit code to a file: the pane's own exit status
  // and its last lines after death are not reliably kept by tmux 3.3.
  const command = `env SHOAL_HOME=${home.dir} SHOAL_WEB_PORT=0 TERM=xterm-256color ${process.execPath} ${BIN} monit; echo $? > ${home.dir}/monit-exit`;
  // -f /dev/null: no user tmux.conf; remain-on-exit keeps the pane, so its screen mode can be read after.
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'monit',
    '-x',
    '140',
    '-y',
    '36',
    command,
    ';',
    'set-option',
    '-t',
    'monit',
    'remain-on-exit',
    'on',
  );
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'monit'),
    keys: (...keys) => void tmux('send-keys', '-t', 'monit', ...keys),
    exitCode: () => {
      try {
        const text = readFileSync(join(home.dir, 'monit-exit'), 'utf8').trim();
        return text === '' ? null : Number(text);
      } catch {
        return null;
      }
    },
    alternate: () => tmux('display-message', '-p', '-t', 'monit', '#{alternate_on}').trim() === '1',
  };
}

describe('shoal monit', () => {
  it('shows live processes, moves the selection with the arrows and quits on q', async (t) => {
    const home = createHome(t);
    const env = { SHOAL_WEB_PORT: '0', SHOAL_SAMPLE_INTERVAL_MS: '500' };
    await home.ok(['start', fixture('forever.js'), '--name', 'alpha'], { env });
    await home.ok(['start', fixture('print-lines.js'), '--name', 'beta', '--', '3']);
    const pane = openMonit(t, home);

    const screen = await waitFor(
      'both apps online on the monit screen',
      () => {
        const s = pane.screen();
        return /alpha\s+fork\s+online/.test(s) && /beta\s+fork\s+online/.test(s) ? s : null;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.match(screen, /›0\s+alpha/, 'the first process is selected');
    assert.match(screen, /\d+\.\d%\s+\d+(\.\d)?mb/, 'cpu and memory figures');
    // "online" comes at spawn; the app's first line can come a little later on a loaded machine.
    await waitFor("the selected app's log lines", () => /forever \d+ started/.test(pane.screen()));

    pane.keys('Down');
    const moved = await waitFor('the selection on beta, with its logs', () => {
      const s = pane.screen();
      return /›1\s+beta/.test(s) && /line 2 of 3/.test(s) ? s : null;
    });
    assert.match(moved, /beta #1\s+pid \d+\s+online/, 'details follow the selection');

    pane.keys('q');
    assert.equal(await waitFor('monit to exit', () => pane.exitCode()?.toString()), '0');
    assert.equal(pane.alternate(), false, 'the terminal is back on its normal screen');
  });

  it('quits cleanly on Ctrl-C', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'gamma'], { env: { SHOAL_WEB_PORT: '0' } });
    const pane = openMonit(t, home);
    await waitFor('gamma online on screen', () => /gamma\s+fork\s+online/.test(pane.screen()), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    pane.keys('C-c');
    assert.equal(await waitFor('monit to exit', () => pane.exitCode()?.toString()), '0');
    assert.equal(pane.alternate(), false, 'the terminal is back on its normal screen');
    assert.equal((await home.list())[0]?.status, 'online', 'quitting the monitor leaves the apps running');
  });
});
