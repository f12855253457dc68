// Copies the built CLI (bin/, dist/, package.json) to a private temporary directory, so that another
// engineer's `npm run build` in the shared tree cannot swap the code under a running bench. node_modules
// is linked, not copied. Removed by the cleanup registry at the end of the run.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, ROOT } from './processes.js';

/** Returns the snapshot's shoal executable. */
export function snapshotShoal(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-build-'));
  for (const entry of ['bin', 'dist', 'package.json'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  onCleanup('shoal build snapshot', () => rmSync(dir, { recursive: true, force: true }), { untilExit: true });
  return join(dir, 'bin', 'shoal.js');
}
