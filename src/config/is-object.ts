// Process files come from users: anything may be an array, a function or null where an object is expected.

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
