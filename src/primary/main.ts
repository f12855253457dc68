// Entry point of a cluster primary: Shoal's own process, one per cluster app, that forks the app's
// workers with node:cluster and balances connections between them. It is detached from the daemon (own
// session, no pipe to it), so the app keeps serving if the daemon dies or is upgraded.
import cluster from 'node:cluster';
import { readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ShoalError } from '../errors.js';
import { ExitCodes } from '../exit-codes.js';
import { isDrained, toApp } from '../protocol/app-messages.js';
import type { Handlers } from '../protocol/channel.js';
import { writeFrame } from '../protocol/framing.js';
import { PRIMARY_PROTOCOL_VERSION, PrimaryChannel, type SnapshotEvent } from '../protocol/primary-channel.js';
import { PrimarySpecSchema } from '../protocol/primary-spec.js';
import { serveRpc } from '../protocol/rpc-server.js';
import { StoreHost } from '../store/store-host.js';
import { appFiles } from '../supervision/app-files.js';
import { mayStart } from '../supervision/process-state.js';
import { signalAll } from '../supervision/process-tree.js';
import { log, openPrimaryLog } from './primary-log.js';
import { ConnectionBalancer } from './connection-balancer.js';
import { replaceHungWorker } from './hung-worker.js';
import { replaceUnhealthy, replaceWorker, rollingReload } from './reload.js';
import { WorkerPool } from './worker-pool.js';

const specPath = process.env.SHOAL_PRIMARY_SPEC;
if (!specPath) {
  process.stderr.write(
    'shoal primary: SHOAL_PRIMARY_SPEC is not set; the primary is started by the daemon.\n',
  );
  process.exit(ExitCodes.CONFIG_INVALID);
}
// Workers inherit this process's environment: it must hold only what the app is meant to see.
delete process.env.SHOAL_PRIMARY_SPEC;
const spec = PrimarySpecSchema.parse(JSON.parse(readFileSync(specPath, 'utf8')));
process.title = `shoal primary ${spec.app.name}`;
openPrimaryLog(appFiles(spec.home, spec.app.name).primaryLog, spec.log_defaults);
if (!cluster.isPrimary) throw new Error('the primary must not run as a cluster worker');

// Frozen by node:cluster at its first setup: a balancer change takes effect when the primary starts anew.
// "kernel": every worker accepts from the shared listening socket itself; the primary is off the path.
if (spec.app.balancer === 'kernel') cluster.schedulingPolicy = cluster.SCHED_NONE;
const pool = new WorkerPool({
  app: spec.app,
  cliEnv: spec.cli_env,
  home: spec.home,
  restarts: spec.restarts,
  restartReasons: spec.restart_reasons,
  logDefaults: spec.log_defaults,
});
pool.addSlots(spec.slots);

const subscribers = new Set<Socket>();
let pushScheduled = false;
function pushSnapshot(): void {
  if (pushScheduled) return;
  pushScheduled = true;
  setImmediate(() => {
    pushScheduled = false;
    const event: SnapshotEvent = {
      v: PRIMARY_PROTOCOL_VERSION,
      event: 'snapshot',
      primary_pid: process.pid,
      workers: pool.snapshot(),
    };
    for (const s of subscribers) writeFrame(s, event);
  });
}
pool.on('changed', pushSnapshot);
// The app's embedded shared store lives here, beside the workers that use it (runtime library's store).
const store = new StoreHost({
  snapshotFile: appFiles(spec.home, spec.app.name).storeSnapshot,
  log,
});
pool.on('message', (proc, message) => {
  if (balancer?.handle(proc, message)) return;
  if (isDrained(message)) {
    proc.handle?.send?.(toApp.drainedAck());
    return;
  }
  // Peers are keyed by pid: during a reload the old and the new worker of a slot share the slot's id.
  const pid = proc.pid;
  if (pid !== null) store.handle({ id: pid, send: (m) => proc.handle?.send?.(m) }, message);
});
// Balancer "ip-hash" and "least-connections": connections go through the primary's own distribution.
const balancer =
  spec.app.balancer === 'ip-hash' || spec.app.balancer === 'least-connections'
    ? new ConnectionBalancer(pool, spec.app.balancer)
    : null;
pool.on('processExit', (pid) => {
  store.removePeer(pid);
  balancer?.workerExited(pid);
});
pool.on('hung', (proc, blocked) => {
  void pool.serialize(() => replaceHungWorker(pool, proc, blocked, spec.home));
});
pool.on('unhealthy', (proc, reason) => {
  log('worker.unhealthy', { app: pool.app.name, instance: proc.instance, pid: proc.pid, reason });
  void pool.serialize(() => replaceUnhealthy(pool, proc, reason));
});
// Runtime stats arrive every few seconds per worker; fold them into the next snapshot.
const statsTimer = setInterval(pushSnapshot, 2000);
statsTimer.unref();

async function startAll(ids?: number[]): Promise<void> {
  const procs = pool.select(ids).filter((p) => mayStart(p.status));
  for (const p of procs) p.start('started');
  await Promise.all(pool.select(ids).map((p) => p.waitReady()));
}

let shuttingDown = false;
async function shutdown(why: string): Promise<number> {
  if (shuttingDown) return 0;
  shuttingDown = true;
  log('primary.shutdown', { why });
  const procs = [...pool.slots.values()];
  await Promise.all(procs.map((p) => pool.retire(p, why)));
  pool.slots.clear();
  balancer?.close();
  await pool.closeFiles();
  await store.close();
  return procs.length;
}

function exitSoon(code: number): void {
  // Let the answer reach the daemon before going away.
  setTimeout(() => {
    rmSync(spec.socket, { force: true });
    rmSync(specPath!, { force: true });
    process.exit(code);
  }, 50);
}

const handlers: Handlers<PrimaryChannel, unknown> = {
  status: () => ({ workers: pool.snapshot() }),
  start: async (req) => {
    await startAll(req.ids);
    return { workers: pool.snapshot() };
  },
  stop: (req) =>
    pool.serialize(async () => {
      await Promise.all(pool.select(req.ids).map((p) => p.stop('stopped by user')));
      return { workers: pool.snapshot() };
    }),
  restart: (req) =>
    pool.serialize(async () => {
      pool.update(req.app, req.cli_env);
      await Promise.all(pool.select(req.ids).map((p) => p.restart('restarted by user', pool.app)));
      await Promise.all(pool.select(req.ids).map((p) => p.waitReady()));
      return { workers: pool.snapshot() };
    }),
  reload: (req) =>
    pool.serialize(async () => {
      pool.update(req.app, req.cli_env);
      const messages = await rollingReload(pool, 'reload');
      return { workers: pool.snapshot(), messages };
    }),
  replace: (req) =>
    pool.serialize(async () => {
      await replaceWorker(pool, req.process_id, req.reason);
      return { workers: pool.snapshot() };
    }),
  scale: (req) =>
    pool.serialize(async () => {
      const wanted = new Set(req.slots.map((s) => s.id));
      const removed = [...pool.slots.values()].filter((p) => !wanted.has(p.id));
      const added = pool.addSlots(req.slots.filter((s) => !pool.slots.has(s.id)));
      pool.emit('changed');
      for (const p of added) p.start('scaled up');
      await Promise.all([
        ...added.map((p) => p.waitReady()),
        ...removed.map((p) => pool.removeSlot(p.id, 'scaled down')),
      ]);
      return { workers: pool.snapshot() };
    }),
  signal: (req) => {
    for (const p of pool.select(req.ids)) {
      if (p.pid === null) continue;
      try {
        process.kill(p.pid, req.signal as NodeJS.Signals);
      } catch {
        // exited meanwhile
      }
    }
    return { workers: pool.snapshot() };
  },
  logs: async (req) => ({
    files: req.action === 'reopen' ? await pool.files.reopenAll() : await pool.files.truncate(),
  }),
  shutdown: async () => {
    const stopped = await shutdown('shutdown requested by the daemon');
    exitSoon(0);
    return { stopped };
  },
};

// The bundle is CommonJS (scripts/bundle.js), so start-up ends in a promise rather than a top-level await;
// a socket it cannot serve on ends the process as an uncaught error would.
serveRpc({
  socketPath: spec.socket,
  channel: PrimaryChannel,
  handlers,
  admit: (type) => {
    if (shuttingDown && type !== 'status')
      throw new ShoalError('SHOAL_ERR_UNSUPPORTED', `${spec.app.name} is shutting down.`);
  },
  onConnection: (socket) => {
    subscribers.add(socket);
    socket.once('close', () => subscribers.delete(socket));
    pushSnapshot();
  },
  onProblem: (event, fields) => log(event, fields),
}).then(
  () =>
    log('primary.started', {
      pid: process.pid,
      app: spec.app.name,
      workers: spec.slots.length,
      node: process.version,
    }),
  (err: Error) => {
    process.stderr.write(`shoal primary: ${err?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);

// The primary must outlive everything but an explicit shutdown: workers die with it.
process.on('uncaughtException', (err) => log('primary.uncaught', { message: err.message, stack: err.stack }));
process.on('unhandledRejection', (err) =>
  log('primary.unhandled_rejection', { message: String((err as Error)?.message ?? err) }),
);
process.on('SIGHUP', () => {});
// However the primary ends, no worker outlives it: a healthy one would exit when the channel closes,
// a hung one never would.
process.on('exit', () => {
  for (const p of pool.slots.values()) if (p.pid !== null) signalAll([p.pid], 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void shutdown(`${sig} received`).then(() => exitSoon(0));
  });
}
