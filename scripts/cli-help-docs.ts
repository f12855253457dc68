// Keeps docs/cli.md's help blocks equal to the CLI's own `--help` output: every "## <command>" section
// whose first code block starts with "Usage: shoal" gets that command's current help.
//   node --import tsx scripts/cli-help-docs.ts          rewrite docs/cli.md
//   node --import tsx scripts/cli-help-docs.ts --check  exit 1 and list the sections that differ
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const docPath = `${root}docs/cli.md`;
const bin = `${root}bin/shoal.js`;

export function helpOf(command: string): string {
  return execFileSync(process.execPath, [bin, command, '--help'], {
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '80', NO_COLOR: '1' },
  }).trimEnd();
}

/** The doc with every help block replaced by the current help, and the names of the blocks that changed. */
export function refreshedDoc(doc: string): { text: string; changed: string[] } {
  const changed: string[] = [];
  const text = doc.replace(
    /^## (\S+)\n\n```\n(Usage: shoal [^\n]*\n[\s\S]*?)\n```$/gm,
    (whole, command: string, block: string) => {
      const help = helpOf(command);
      if (help === block) return whole;
      changed.push(command);
      return `## ${command}\n\n\`\`\`\n${help}\n\`\`\``;
    },
  );
  return { text, changed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { text, changed } = refreshedDoc(readFileSync(docPath, 'utf8'));
  if (process.argv.includes('--check')) {
    if (changed.length > 0) {
      console.error(`docs/cli.md differs from --help for: ${changed.join(', ')} (run npm run docs:cli)`);
      process.exit(1);
    }
  } else {
    writeFileSync(docPath, text);
    console.log(changed.length > 0 ? `updated: ${changed.join(', ')}` : 'docs/cli.md is up to date');
  }
}
