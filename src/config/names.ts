// App names (and namespaces) are how users address processes on the command line, so they must not
// look like a process id, a path or a "namespace:name" pair, and must be unique within one file. The rule
// itself is in protocol/limits.ts: the daemon applies it again to what arrives on its socket.
import type { Problems } from './problems.js';

export { nameProblem } from '../protocol/limits.js';

/** Reports every name used by more than one entry, naming the entries by position (1-based). */
export function checkUniqueNames(entries: { name: string; index: number }[], problems: Problems): void {
  const first = new Map<string, number>();
  for (const { name, index } of entries) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else {
      problems.add(
        name,
        'name',
        'a name used by one app only',
        name,
        `apps #${earlier + 1} and #${index + 1} both use it`,
      );
    }
  }
}
