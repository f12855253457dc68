// YAML output of `shoal export`, in a module of its own so the CLI loads the YAML library only when it
// writes YAML (a dynamic import of the library itself would lose its named exports in the bundle).
import { stringify } from 'yaml';

export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
