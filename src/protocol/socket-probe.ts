// Whether something accepts connections on a Unix socket, without speaking to it: how a starting daemon
// tells a live socket (another daemon, a primary) from a stale file.
import { connect } from 'node:net';

export function socketAccepts(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    function done(ok: boolean): void {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    }
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
