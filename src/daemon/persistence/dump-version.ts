// The dump.json version this Shoal writes. Apart from dump-schema.ts so that the daemon can know it
// without loading the schema, which is needed only when a dump is read or written.
export const CURRENT_DUMP_VERSION = 1;
