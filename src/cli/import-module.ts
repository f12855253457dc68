// import() for the CLI. The CLI's bundle is compiled from V8's code cache (bin/cli-loader.js), and code
// read from that cache loses what import() needs to find the module loader ("a dynamic import callback
// was not specified"). So its few imports of ES modules (ink, the daemon's bundle for `shoal run`) go
// through this module, which scripts/bundle.js builds as a file of its own that Node loads as usual.
export function importModule<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
