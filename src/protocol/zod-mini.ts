// The schema library every schema in Shoal is built with: zod's "mini" API. It does not hang dozens of
// methods on every schema and, imported by name as here, lets the bundler keep only the parts of
// zod/v4/core the schemas use, so a process that only checks messages (a cluster primary, a short CLI
// command) loads and builds a fraction of it. Write `z.optional(x)`, `z.int().check(z.gte(0))` where the
// classic API chains methods. Importing classic `zod` anywhere in a bundle would bring all of its core back.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Classic zod registers its English messages when it builds its first schema; mini never does. Register
// them here so an issue reads the same whichever API built the schema that found it.
config(en());

export * from 'zod/mini';
