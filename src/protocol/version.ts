// Protocol and package versions. The protocol version changes only when a message shape changes
// incompatibly; the response envelope ({ v, id, ok, error }) is kept stable across versions so that
// a CLI of any version can always read the daemon's "wrong version" answer instead of hanging.
import { readFileSync } from 'node:fs';

export const PROTOCOL_VERSION = 1;

let cached: string | undefined;
export function packageVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
