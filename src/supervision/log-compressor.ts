// Gzips rotated log files in a worker thread, so compressing 100 MiB never stalls the loop that drains
// the apps' pipes (pm2-logrotate compresses on PM2's own loop). One thread per process, started on first use;
// node:worker_threads is loaded then too, so a process that never compresses does not pay for it.
import type { Worker } from 'node:worker_threads';

// Inline (eval) so the same code runs from dist/ and from the TypeScript sources under test.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createReadStream, createWriteStream, renameSync, rmSync } = require('node:fs');
const { createGzip } = require('node:zlib');
const { pipeline } = require('node:stream/promises');
parentPort.on('message', async ({ id, path }) => {
  const tmp = path + '.gz.tmp';
  try {
    await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp, { mode: 0o600 }));
    renameSync(tmp, path + '.gz');
    rmSync(path, { force: true });
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    rmSync(tmp, { force: true });
    parentPort.postMessage({ id, ok: false, message: String(err && err.message) });
  }
});
`;

let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, (result: { ok: boolean; message?: string }) => void>();

async function compressor(): Promise<Worker> {
  if (worker) return worker;
  const { Worker } = await import('node:worker_threads');
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: { id: number; ok: boolean; message?: string }) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
    if (waiting.size === 0) w.unref();
  });
  w.on('error', (err) => {
    for (const done of waiting.values()) done({ ok: false, message: err.message });
    waiting.clear();
    worker = null;
  });
  w.on('exit', () => {
    if (worker === w) worker = null;
  });
  worker = w;
  return w;
}

/** Replaces path by path.gz; resolves with an error message instead of throwing. */
export async function gzipFile(path: string): Promise<{ ok: boolean; message?: string }> {
  const w = await compressor();
  const id = nextId++;
  w.ref();
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    w.postMessage({ id, path });
  });
}
