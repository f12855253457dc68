// App names (and namespaces) are how users address processes on the command line, so they must not
// look like a process id, a path or a "namespace:name" pair, and must be unique within one file.
import type { Problems } from './problems.js';

/** What is wrong with a name, phrased as what was expected, or null when the name is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'a non-empty name';
  if (/^\d+$/.test(name)) return 'a name that is not only digits (numbers are process ids)';
  if (/[\s/:]/.test(name)) return 'a name without "/", ":" or whitespace';
  return null;
}

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
