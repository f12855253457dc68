// Hides values of environment variables whose names look like secrets, in everything the CLI prints.
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASS$|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|AUTH|_KEY$|^KEY$|DSN|DATABASE_URL|REDIS_URL|CONN(ECTION)?_?STRING)/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = isSecretName(k) ? REDACTED : v;
  return out;
}
