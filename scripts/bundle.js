// Bundles the process entry points (CLI, daemon, cluster primary, worker preload, hang-watchdog thread)
// into dist/bundle/ after tsc has built dist/. Node loads one file per entry (plus chunks they share)
// instead of a hundred or more modules, which is most of a short command's wall time. The tsc output
// stays for the library exports (dist/index.js, dist/runtime/index.js) and for child entries that are
// not bundled; each bundled entry's dist file becomes a one-line stub that imports its bundle, so every
// path that spawns or imports an entry keeps working unchanged.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const requireHere = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const out = join(dist, 'bundle');

/**
 * Bundle name -> entry in src/ (its tsc output becomes the stub), in groups built separately. Entries of
 * one group share chunks. Each entry is a group alone, so that no chunk it loads carries code only another
 * entry uses (shared chunks are cut by module, not by the functions each entry uses). The CLI, which
 * turns into the daemon for `shoal run` and `daemon --foreground`, then imports the daemon's bundle:
 * that process holds the modules both use twice (`shoal run` with one app: 19.4 MB private, against
 * 12.5 MB for a background daemon, which also runs without the CLI and with a smaller young generation);
 * every short command gains from a CLI of its own.
 */
const GROUPS = [
  { cli: 'cli/index.ts' },
  { daemon: 'daemon/main.ts' },
  { primary: 'primary/main.ts' },
  { preload: 'worker/preload.ts' },
  { 'hang-watchdog-thread': 'worker/hang-watchdog-thread.ts' },
];
const ENTRIES = Object.assign({}, ...GROUPS);

/**
 * Entries built as CommonJS, alone (CommonJS has no chunks): Node then runs them without starting its ESM
 * loader, which costs a process some 15 ms and 2 MB. The worker preload runs in every app process, most of
 * which are CommonJS apps that would start the ESM loader for it alone (it is loaded with --require); the
 * cluster primary is a process of its own for every app; the CLI is started for every command (by
 * bin/shoal.js, itself CommonJS); the hang watchdog is a thread in every app process, where an ESM entry
 * started the loader and four threads of its own. Code an ES module reaches with import() is bundled
 * too, wrapped so that it runs on first use. Next to its ESM stub each gets a `.cjs` one.
 */
const COMMONJS = new Set(['preload', 'primary', 'cli', 'hang-watchdog-thread']);

/**
 * Modules the CLI's bundle takes from a bundle of their own next to it, loaded with the first module that
 * imports them:
 * - yaml is a quarter of the CLI's code and only process files and `export` use it. Bundled, it loads in
 *   a few milliseconds; from node_modules (some 60 files) in about 35.
 * - import-module holds the CLI's import() calls, which code compiled from V8's code cache cannot make
 *   (src/cli/import-module.ts).
 */
const SIDE_BUNDLES = [
  { name: 'yaml', filter: /^yaml$/, entry: requireHere.resolve('yaml') },
  { name: 'import-module', filter: /\/import-module\.js$/, entry: join(src, 'cli', 'import-module.ts') },
];
const sideBundles = {
  name: 'side-bundles',
  setup(b) {
    for (const { name, filter } of SIDE_BUNDLES)
      b.onResolve({ filter }, () => ({ path: `./${name}.cjs`, external: true }));
  },
};

// Loaded on demand or natively built: left to Node's resolver from node_modules.
const EXTERNAL = ['koffi', 'tsx', 'ioredis', 'jose', 'ink', 'react', 'react-devtools-core', 'chokidar'];

/**
 * Code finds its sibling files (entries to spawn, package.json, child scripts) from `import.meta.url`.
 * In a bundle that URL is the bundle's, so each source file's `import.meta.url` is rewritten to the URL
 * its own tsc output has, which the sibling paths are relative to.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(src + sep) || !text.includes('import.meta.url')) return undefined;
      const built = join(dist, relative(src, args.path)).replace(/\.ts$/, '.js');
      const rel = relative(out, built).split(sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Shoal's messages are English: zod's index of its other locales (some 50 languages) becomes an empty
 * module in every bundle. zod's English messages are imported by zod itself (and by
 * src/protocol/zod-mini.ts), not through that index; without this the CLI's shared chunk with the daemon
 * carries every locale, parsed on each command.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}node_modules${sep}zod${sep}`)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: 'export {};',
      loader: 'js',
    }));
  },
};

/**
 * Node's built-in modules are taken with require() rather than imported. Importing one makes Node's ESM
 * loader build a module facade for it, which reads every export once: for node:fs that loads the whole
 * stream stack through fs.ReadStream's lazy getter, and the facades were about a fifth of a short
 * command's start-up. Each built-in becomes a small module that requires it once and exports each of its
 * members as a constant (esbuild then keeps only the members the code uses, and reads no other), which
 * costs less memory than wrapping it as a CommonJS module, whose every member gets a getter (0.4 MB in a
 * cluster primary). `__shoalRequire` is the banner's createRequire, named apart from `require` so that
 * esbuild leaves the call alone.
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    // Static imports only: a require() from bundled CommonJS code already is one, and a module that a
    // require() or an import() reaches gets wrapped for lazy start-up, which keeps every member.
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'node-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => {
      const names = Object.keys(requireHere(args.path)).filter((n) => n !== 'default');
      const lines = [
        `const m = __shoalRequire(${JSON.stringify(args.path)});`,
        'const pick = (name) => m[name];',
        'export default m;',
      ];
      // Marked pure so that esbuild drops the members nobody uses (a property read could run a getter).
      for (const [i, name] of names.entries())
        lines.push(`const m${i} = /* @__PURE__ */ pick(${JSON.stringify(name)});`);
      if (names.length > 0)
        lines.push(`export { ${names.map((name, i) => `m${i} as ${JSON.stringify(name)}`).join(', ')} };`);
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

await rm(out, { recursive: true, force: true });
const metafile = process.env.SHOAL_BUNDLE_METAFILE;
/** What every build shares: one output folder, Node 20, and esbuild's metafile when asked for. */
const common = {
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  metafile: metafile !== undefined,
  logLevel: 'warning',
};
const results = [];
for (const group of GROUPS) {
  const commonjs = Object.keys(group).every((name) => COMMONJS.has(name));
  results.push(
    await build({
      ...common,
      entryPoints: Object.fromEntries(Object.entries(group).map(([name, file]) => [name, join(src, file)])),
      external: EXTERNAL,
      ...(commonjs
        ? {
            format: 'cjs',
            outExtension: { '.js': '.cjs' },
            // The rewritten module URLs (keepModuleUrls) resolve from this bundle's own file.
            define: { 'import.meta.url': '__shoalModuleUrl' },
            inject: [join(root, 'scripts', 'cjs-module-url.js')],
            plugins: [keepModuleUrls, englishOnly, sideBundles],
          }
        : {
            format: 'esm',
            splitting: true,
            // Content-hashed: a chunk two groups both produce is the same file.
            chunkNames: 'chunk-[hash]',
            // Bundled CommonJS packages (commander, yaml) call require() for Node's built-ins.
            banner: {
              js: "import { createRequire as __shoalCreateRequire } from 'node:module'; const require = __shoalCreateRequire(import.meta.url), __shoalRequire = require;",
            },
            plugins: [keepModuleUrls, englishOnly, builtinsByRequire],
          }),
    }),
  );
}
for (const { name, entry } of SIDE_BUNDLES) {
  results.push(
    await build({
      ...common,
      entryPoints: { [name]: entry },
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
    }),
  );
}
// SHOAL_BUNDLE_METAFILE=path writes esbuild's metafile of every group (one object: inputs and outputs)
// for esbuild's analyzer: what each entry loads and from which package.
if (metafile) {
  const merged = { inputs: {}, outputs: {} };
  for (const r of results) {
    Object.assign(merged.inputs, r.metafile.inputs);
    Object.assign(merged.outputs, r.metafile.outputs);
  }
  await writeFile(metafile, JSON.stringify(merged));
}

for (const [name, file] of Object.entries(ENTRIES)) {
  const stub = join(dist, file).replace(/\.ts$/, '.js');
  const bundle = join(out, `${name}${COMMONJS.has(name) ? '.cjs' : '.js'}`);
  const target = relative(dirname(stub), bundle).split(sep).join('/');
  const note = "// Built by scripts/bundle.js: the entry's code lives in its bundle.";
  await writeFile(stub, `${note}\nimport '${target}';\n`);
  if (COMMONJS.has(name)) await writeFile(stub.replace(/\.js$/, '.cjs'), `${note}\nrequire('${target}');\n`);
}

// The CLI's code cache (bin/cli-loader.js), made by running a command that only prints: `ls --help`
// compiles what every command runs first (the bundle, the command table, commander's parsing).
execFileSync(process.execPath, ['-e', "require('./bin/cli-loader.js').writeCodeCache(['ls', '--help'])"], {
  cwd: root,
  // The help text is not wanted; an error making the cache is.
  stdio: ['ignore', 'ignore', 'inherit'],
});
