// The env an app gets from its process file: `env`, then the env_<name> overlay chosen with --env.
// The CLI's own environment and Shoal's variables are layered by the daemon, not here.
import { envSchema } from '../raw-app-schema.js';
import type { Problems } from '../problems.js';

export function mergeEnv(
  base: Record<string, string> | undefined,
  overlays: Record<string, unknown>,
  envName: string | null,
  label: string,
  problems: Problems,
): Record<string, string> {
  const env = { ...base };
  // Every overlay is checked, not only the chosen one: a broken env_staging should not wait for a staging deploy.
  for (const [name, value] of Object.entries(overlays)) {
    const parsed = envSchema.safeParse(value);
    if (!parsed.success) problems.add(label, `env_${name}`, 'an object of environment variables', value);
    else if (name === envName) Object.assign(env, parsed.data);
  }
  if (envName !== null && !Object.hasOwn(overlays, envName)) {
    problems.warn(label, `env_${envName}`, `has no "env_${envName}"; only "env" applies`);
  }
  return env;
}
