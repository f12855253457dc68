// `shoal export kubernetes | systemd | compose <process file>`: one process file, three deployment
// targets. The process file is loaded and validated as `shoal start` would; the mappings live in
// config/export/ (pure functions), this command only prints or writes them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { Argument, type Command, Option } from 'commander';
import { isProcessFile } from '../../config/process-file-name.js';
import { ShoalError } from '../../errors.js';
import { warn } from '../output.js';
import { run } from '../session.js';

const SHOAL_BIN = new URL('../../../bin/shoal.js', import.meta.url).pathname;

interface ExportFlags {
  env?: string;
  image?: string;
  scaleBy: 'workers' | 'replicas';
  dir?: string;
}

/** The process file as the image sees it: relative to the project directory (the image's WORKDIR). */
function inImage(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? basename(file) : rel;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('turn a process file into Kubernetes objects, systemd units or a Docker Compose file')
    .addArgument(new Argument('<target>', 'what to write').choices(['kubernetes', 'systemd', 'compose']))
    .argument('<file>', 'process file (ecosystem.config.js, .json, .yaml)')
    .option('--env <name>', 'apply env_<name> from the process file')
    .option('--image <image>', 'container image holding the project (default: <directory name>:latest)')
    .addOption(
      new Option('--scale-by <how>', 'instances as workers in one pod/container, or as replicas of one')
        .choices(['workers', 'replicas'])
        .default('workers'),
    )
    .option('--dir <dir>', 'systemd: write the unit files to this directory instead of printing them')
    .action(async (target: 'kubernetes' | 'systemd' | 'compose', file: string, flags: ExportFlags) =>
      run(async () => {
        if (!isProcessFile(file)) {
          throw new ShoalError(
            'SHOAL_ERR_CONFIG_INVALID',
            `"${file}" is not a process file (ecosystem.config.js, .json, .yaml): export reads one.`,
            { file },
          );
        }
        const { loadProcessFile } = await import('../../config/index.js');
        const { defaultImage } = await import('../../config/export/export-settings.js');
        const path = resolve(file);
        const loaded = await loadProcessFile(path, { envName: flags.env ?? null, cwd: process.cwd() });
        for (const w of loaded.warnings) warn(w.message);
        const opts = {
          processFile: inImage(path),
          envName: flags.env ?? null,
          image: flags.image ?? defaultImage(path, process.cwd()),
          scaleBy: flags.scaleBy,
        };
        if (target === 'kubernetes') {
          const { kubernetesObjects } = await import('../../config/export/kubernetes.js');
          const { yamlText } = await import('../../config/export/yaml-text.js');
          const docs = kubernetesObjects(loaded.apps, opts).map(yamlText);
          process.stdout.write(docs.join('---\n'));
        } else if (target === 'compose') {
          const { composeFile } = await import('../../config/export/compose.js');
          const { yamlText } = await import('../../config/export/yaml-text.js');
          process.stdout.write(yamlText(composeFile(loaded.apps, opts)));
        } else {
          const { unitOf } = await import('../../config/export/systemd.js');
          const units = loaded.apps.map((a) =>
            unitOf(a, {
              ...opts,
              processFile: path,
              node: process.execPath,
              shoalBin: SHOAL_BIN,
              user: null,
            }),
          );
          if (flags.dir) {
            mkdirSync(flags.dir, { recursive: true });
            for (const u of units) {
              writeFileSync(join(flags.dir, u.name), u.text);
              process.stdout.write(`wrote ${join(flags.dir, u.name)}\n`);
            }
            process.stdout.write(
              `then: systemctl daemon-reload\n${units.flatMap((u) => u.enable).join('\n')}\n`,
            );
          } else {
            process.stdout.write(units.map((u) => `# ${u.name}\n${u.text}`).join('\n'));
          }
        }
        return 0;
      }),
    );
}
