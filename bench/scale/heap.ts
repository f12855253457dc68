// The daemon's heap as a heap snapshot sees it. A snapshot is taken after a full garbage collection, so
// the live heap it reports (and the RSS read right after it) is what survives: the way to tell a leak
// (live objects that keep growing per start/delete cycle) from memory V8 simply has not returned yet.
// The daemon is started with NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir> for this.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../cluster/lib/processes.js';

export interface HeapReading {
  /** Sum of the self sizes of every live object, in bytes. */
  liveBytes: number;
  /** Live object count per constructor (or node type), to show what grew between two readings. */
  counts: Map<string, number>;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function readSnapshot(file: string): HeapReading {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const counts = new Map<string, number>();
  let liveBytes = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    liveBytes += s.nodes[i + sizeAt]!;
    const type = types[s.nodes[i + typeAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type}:${s.strings[s.nodes[i + nameAt]!]}` : type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { liveBytes, counts };
}

/** Signals the daemon to write a snapshot into dir, waits until it is whole, reads it and removes it. */
export async function heapOf(pid: number, dir: string, timeoutMs = 120_000): Promise<HeapReading> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot from pid ${pid} within ${timeoutMs} ms`);
    await sleep(300);
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const path = join(dir, file);
    const size = statSync(path).size;
    if (size === 0 || size !== lastSize) {
      lastSize = size;
      continue;
    }
    try {
      const reading = readSnapshot(path);
      rmSync(path, { force: true });
      return reading;
    } catch {
      // still being written: the size only paused
    }
  }
}

/** The constructors whose live count grew most from `a` to `b`. */
export function grewMost(a: HeapReading, b: HeapReading, top = 8): Array<[string, number]> {
  const diff: Array<[string, number]> = [];
  for (const [k, n] of b.counts) {
    const d = n - (a.counts.get(k) ?? 0);
    if (d > 0) diff.push([k, d]);
  }
  return diff.sort((x, y) => y[1] - x[1]).slice(0, top);
}
