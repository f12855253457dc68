// Shoal's own process-file settings for the runtime library (`store`, `auth`), checked like every other
// key: a malformed setting is an error naming the app and key, not something silently ignored.
import { z } from 'zod';
import type { Problems } from './problems.js';

const StoreSetting = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('embedded') }).strict(),
  z
    .object({
      backend: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
    })
    .strict(),
]);

const AuthSetting = z
  .object({ secret: z.string().min(32, 'a secret of at least 32 characters').optional() })
  .strict();

/** What the exports turn into readiness probes (`shoal export`): an HTTP path, on PORT unless given. */
const HealthCheckSetting = z
  .object({
    path: z.string().startsWith('/', 'a path starting with /'),
    port: z.number().int().min(1).max(65535).optional(),
  })
  .strict();

const EXPECTED: Record<string, string> = {
  store: '{ backend: "embedded" } or { backend: "redis", url: "redis://..." }',
  auth: '{ secret: "<at least 32 characters>" }',
  health_check: '{ path: "/health", port?: 3000 }',
};

export function checkExtensionSettings(
  extra: Record<string, unknown>,
  label: string,
  problems: Problems,
): void {
  for (const [key, schema] of [
    ['store', StoreSetting],
    ['auth', AuthSetting],
    ['health_check', HealthCheckSetting],
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
