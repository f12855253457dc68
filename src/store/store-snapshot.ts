// Persists the embedded store to SHOAL_HOME/state between runs of its host: written atomically (temp file
// then rename, mode 0600: values may be sessions) and read back when the host starts again.
import { readFileSync, renameSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import * as z from '../protocol/zod-mini.js';
import type { SnapshotEntry } from './memory-store.js';

const SnapshotSchema = z.object({
  version: z.literal(1),
  saved_at: z.number(),
  entries: z.array(z.tuple([z.string(), z.string(), z.nullable(z.number())])),
});

export type SnapshotRead =
  | { kind: 'loaded'; entries: SnapshotEntry[]; savedAt: number }
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string; movedTo: string | null };

/** Reads a snapshot; a corrupt file is moved aside (kept for inspection) so the host starts empty. */
export function readSnapshot(file: string, now: number): SnapshotRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: (err as Error).message, movedTo: null };
  }
  try {
    const parsed = SnapshotSchema.parse(JSON.parse(text));
    return { kind: 'loaded', entries: parsed.entries, savedAt: parsed.saved_at };
  } catch (err) {
    const movedTo = `${file}.corrupt-${now}`;
    try {
      renameSync(file, movedTo);
      return { kind: 'corrupt', reason: (err as Error).message, movedTo };
    } catch {
      return { kind: 'corrupt', reason: (err as Error).message, movedTo: null };
    }
  }
}

export async function writeSnapshot(file: string, entries: SnapshotEntry[], now: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify({ version: 1, saved_at: now, entries }), { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
