// Shoal's own process-file settings for the runtime library (`store`, `auth`), checked like every other
// key: a malformed setting is an error naming the app and key, not something silently ignored.
import * as z from '../protocol/zod-mini.js';
import type { Problems } from './problems.js';

const StoreSetting = z.discriminatedUnion('backend', [
  z.strictObject({ backend: z.literal('embedded') }),
  z.strictObject({
    backend: z.literal('redis'),
    url: z.string().check(z.regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')),
  }),
]);

const AuthSetting = z.strictObject({
  secret: z.optional(z.string().check(z.minLength(32, 'a secret of at least 32 characters'))),
});

const EXPECTED: Record<string, string> = {
  store: '{ backend: "embedded" } or { backend: "redis", url: "redis://..." }',
  auth: '{ secret: "<at least 32 characters>" }',
};

export function checkExtensionSettings(
  extra: Record<string, unknown>,
  label: string,
  problems: Problems,
): void {
  for (const [key, schema] of [
    ['store', StoreSetting],
    ['auth', AuthSetting],
  ] as const) {
    if (!(key in extra)) continue;
    const parsed = schema.safeParse(extra[key]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      problems.add(label, key, EXPECTED[key]!, extra[key], `${where}${issue?.message ?? 'invalid'}`);
    }
  }
}
