// Log files shared by the processes of one app: opened once per path, closed when the last user leaves.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LogFile } from './log-sink.js';

export class LogFileRegistry {
  private readonly files = new Map<string, LogFile>();

  open(path: string | null): LogFile | null {
    if (path === null) return null;
    let file = this.files.get(path);
    if (!file) {
      mkdirSync(dirname(path), { recursive: true });
      file = new LogFile(path);
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
