// Injected by scripts/bundle.js into CommonJS bundles: the bundle file's own URL, which stands in for
// `import.meta.url` there (CommonJS has no import.meta).
export const __shoalModuleUrl = require('node:url').pathToFileURL(__filename).href;
