// How deeply a parsed JSON (or YAML, or JS) value nests, measured without recursion. JSON.parse takes a
// 100,000-deep array in its stride, but everything after it that walks the value recursively (schemas,
// JSON.stringify when the state is saved) then dies with "Maximum call stack size exceeded", uncoded.
// Values are refused at the boundary instead, where the error can say what is wrong.

/** Deeper than any real config or request; far below what recursion can take. */
export const MAX_NESTING = 64;

/** True when value has objects or arrays nested more than max levels deep. */
export function nestsDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
