// The package version, read once. Protocol versions live with their channel definitions
// (control-channel.ts, primary-channel.ts); the response envelope ({ v, id, ok, error }) is kept stable
// across versions so that a client of any version can always read a "wrong version" answer.
import { readFileSync } from 'node:fs';

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
