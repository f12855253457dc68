// Log files shared by the processes of one app: opened once per path, closed when the last user leaves.
import { LogFile } from './log-sink.js';

export class LogFileRegistry {
  private readonly files = new Map<string, LogFile>();

  constructor(private readonly onOpenError?: (path: string, err: Error) => void) {}

  open(path: string | null): LogFile | null {
    if (path === null) return null;
    let file = this.files.get(path);
    if (!file) {
      // Directories are made, and links checked, as the file opens (log-open.ts), off the event loop.
      file = new LogFile(path, this.onOpenError ? (err) => this.onOpenError?.(path, err) : undefined);
      this.files.set(path, file);
    }
    file.retain();
    return file;
  }

  async release(path: string | null): Promise<void> {
    const file = path === null ? undefined : this.files.get(path);
    if (!file || path === null) return;
    await file.release();
    if (file.closed) this.files.delete(path);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }
}
