// Waking up when a file (a primary's socket) is created instead of only on a fixed poll: on a cold
// start every poll interval is added to the time until the app answers.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  /** Resolves when the file was created since the last call, or after fallbackMs at the latest. */
  next(fallbackMs: number): Promise<void>;
  close(): void;
}

export function watchForFile(path: string): FileWatch {
  const name = basename(path);
  let seen = false;
  let wake: (() => void) | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(path), (_event, file) => {
      if (file !== name) return;
      seen = true;
      wake?.();
    });
    // A folder that cannot be watched leaves the fallback interval, which is the old poll.
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null;
  }
  return {
    next(fallbackMs) {
      if (seen) {
        seen = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(done, fallbackMs);
        function done() {
          clearTimeout(timer);
          wake = null;
          seen = false;
          resolve();
        }
        wake = done;
      });
    },
    close() {
      watcher?.close();
      wake?.();
    },
  };
}
