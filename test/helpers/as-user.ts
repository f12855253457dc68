// Runs a small Node script as another local user (see other-user.ts): what that user's own program
// could do on the machine. The script reports on stdout; the test kills it by pid when it ends.
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import type { OtherUser } from './other-user.js';

export interface UserScript {
  child: ChildProcess;
  /** Resolves with the first stdout line that parses as JSON. */
  report: Promise<unknown>;
}

export function runAs(t: TestContext, user: OtherUser, script: string, args: string[] = []): UserScript {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const report = new Promise<unknown>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`script as ${user.name} exited ${code}: ${err}`)));
  });
  report.catch(() => {});
  return { child, report };
}
