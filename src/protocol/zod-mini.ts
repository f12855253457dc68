// The schema library as protocol/ builds its schemas: zod's "mini" API, which shares zod/v4/core with the
// classic API (classic code elsewhere composes these schemas freely) but does not hang dozens of methods on
// every schema, so a process that only checks messages (a cluster primary, a short CLI command) loads and
// builds a fraction of it. Write `z.optional(x)`, `z.int().check(z.gte(0))` where classic chains methods.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Classic zod registers its English messages when it builds its first schema; mini never does. Register
// them here so an issue reads the same whichever API built the schema that found it.
config(en());

export * from 'zod/mini';
