// Hosts for multi-host tests on one machine: Linux network namespaces joined by veth pairs to a bridge
// in a "lb" namespace, addressed in 198.18.0.0/15 (RFC 2544, reserved for benchmark networks, never
// routed). Nothing leaves the test's own namespaces: the root namespace has no route to them. Every
// namespace, and every process in it, is removed when the test ends, even when it fails.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

const SUBNET = '198.18.15';

export interface Host {
  readonly ns: string;
  readonly ip: string;
  /** Spawns a command inside the host's namespace; killed with the namespace at the end. */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Runs a command inside the namespace and resolves with its exit code and output. */
  exec(
    command: string,
    args: string[],
    opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>;
  /** The pids of every process in the namespace. */
  pids(): number[];
  /** SIGKILL to every process in the namespace: the host "dies". */
  killAll(): void;
}

function ip(args: string[]): void {
  const res = spawnSync('ip', args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`ip ${args.join(' ')}: ${res.stderr || res.error?.message}`);
}

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  const name = `shoal-probe-${process.pid}`;
  const res = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (res.status !== 0) return `cannot create a network namespace: ${res.stderr || res.error?.message}`;
  spawnSync('ip', ['netns', 'del', name]);
  return null;
}

function hostIn(ns: string, address: string): Host {
  const pids = () => {
    const res = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
    return res.stdout.split('\n').filter(Boolean).map(Number);
  };
  return {
    ns,
    ip: address,
    spawn: (command, args, env) =>
      spawn('ip', ['netns', 'exec', ns, command, ...args], { env: env ?? process.env, stdio: 'pipe' }),
    exec: (command, args, opts = {}) =>
      new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { env: opts.env ?? process.env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      }),
    pids,
    killAll: () => {
      for (const pid of pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    },
  };
}

/**
 * Makes the "lb" host (the bridge, 198.18.15.1) and one host per name (198.18.15.2, .3, ...), all on one
 * segment; registers their removal on t.
 */
export function makeHosts(t: TestContext, names: string[]): { lb: Host; hosts: Record<string, Host> } {
  const tag = (process.pid % 100_000).toString(36);
  const nsOf = (name: string) => `shoal-${tag}-${name}`;
  const made: string[] = [];
  const all: Host[] = [];
  t.after(async () => {
    for (const h of all) h.killAll();
    // Processes die asynchronously; a namespace is removed once its last process is gone.
    const deadline = Date.now() + 10_000;
    while (all.some((h) => h.pids().length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    for (const ns of made) spawnSync('ip', ['netns', 'del', ns]);
  });
  const add = (name: string) => {
    ip(['netns', 'add', nsOf(name)]);
    made.push(nsOf(name));
    ip(['-n', nsOf(name), 'link', 'set', 'lo', 'up']);
  };
  add('lb');
  ip(['-n', nsOf('lb'), 'link', 'add', 'br0', 'type', 'bridge']);
  ip(['-n', nsOf('lb'), 'addr', 'add', `${SUBNET}.1/24`, 'dev', 'br0']);
  ip(['-n', nsOf('lb'), 'link', 'set', 'br0', 'up']);
  const lb = hostIn(nsOf('lb'), `${SUBNET}.1`);
  all.push(lb);
  const hosts: Record<string, Host> = {};
  names.forEach((name, i) => {
    add(name);
    const address = `${SUBNET}.${i + 2}`;
    const inner = `v${tag}${i}h`;
    const outer = `v${tag}${i}b`;
    // Created in the lb namespace, then one end moved into the host's.
    ip(['-n', nsOf('lb'), 'link', 'add', inner, 'type', 'veth', 'peer', 'name', outer]);
    ip(['-n', nsOf('lb'), 'link', 'set', inner, 'netns', nsOf(name)]);
    ip(['-n', nsOf('lb'), 'link', 'set', outer, 'master', 'br0']);
    ip(['-n', nsOf('lb'), 'link', 'set', outer, 'up']);
    ip(['-n', nsOf(name), 'addr', 'add', `${address}/24`, 'dev', inner]);
    ip(['-n', nsOf(name), 'link', 'set', inner, 'up']);
    hosts[name] = hostIn(nsOf(name), address);
    all.push(hosts[name]);
  });
  return { lb, hosts };
}
