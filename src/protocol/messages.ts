// Every message between the CLI (or any client) and the daemon. A request is { v, id, type, ...payload };
// a response is { v, id, ok: true, result } or { v, id, ok: false, error: { code, message, details } }.
import { z } from 'zod';
import { AppConfigSchema } from './app-config.js';
import { ProcessDetailSchema, ProcessInfoSchema } from './process-info.js';

const Env = z.record(z.string(), z.string());
const Target = z.string().min(1);

export const RequestSchemas = {
  hello: z.object({ client_version: z.string(), client_protocol: z.number().int() }),
  ping: z.object({}),
  start: z.object({ apps: z.array(AppConfigSchema).min(1), cli_env: Env }),
  stop: z.object({ target: Target }),
  restart: z.object({ target: Target, update_env: z.boolean().default(false), cli_env: Env.optional() }),
  reload: z.object({ target: Target }),
  delete: z.object({ target: Target }),
  scale: z.object({ name: z.string().min(1), instances: z.union([z.number().int().min(0), z.string()]) }),
  list: z.object({}),
  describe: z.object({ target: Target }),
  logs: z.object({ target: z.string().nullable() }),
  flush: z.object({ target: z.string().nullable() }),
  kill: z.object({}),
  signal: z.object({ target: Target, signal: z.string().regex(/^SIG[A-Z0-9]+$/) }),
  env: z.object({ target: Target }),
  save: z.object({ force: z.boolean().default(false) }),
  resurrect: z.object({}),
  web: z.object({}),
  /** Daemon upgrade: leave cluster apps running, stop fork apps for the next daemon, and exit. */
  handover: z.object({}),
} as const;

export type RequestType = keyof typeof RequestSchemas;
export type RequestPayload<T extends RequestType> = z.input<(typeof RequestSchemas)[T]>;
export type ParsedRequest<T extends RequestType> = z.output<(typeof RequestSchemas)[T]>;

export const EnvelopeSchema = z.object({
  v: z.number().int(),
  id: z.number().int(),
  type: z.string(),
});

export const LogFileSchema = z.object({
  app: z.string(),
  id: z.number().int().nullable(),
  stream: z.enum(['out', 'err']),
  path: z.string(),
});
export type LogFile = z.infer<typeof LogFileSchema>;

export const ResultSchemas = {
  hello: z.object({
    protocol: z.number().int(),
    version: z.string(),
    pid: z.number().int(),
    home: z.string(),
  }),
  ping: z.object({ pong: z.literal(true), pid: z.number().int(), uptime: z.number() }),
  start: z.object({ processes: z.array(ProcessInfoSchema), messages: z.array(z.string()) }),
  stop: z.object({ processes: z.array(ProcessInfoSchema) }),
  restart: z.object({ processes: z.array(ProcessInfoSchema), messages: z.array(z.string()) }),
  reload: z.object({ processes: z.array(ProcessInfoSchema), messages: z.array(z.string()) }),
  delete: z.object({ processes: z.array(ProcessInfoSchema) }),
  scale: z.object({ processes: z.array(ProcessInfoSchema), messages: z.array(z.string()) }),
  list: z.object({ processes: z.array(ProcessInfoSchema) }),
  describe: z.object({ processes: z.array(ProcessDetailSchema) }),
  logs: z.object({ files: z.array(LogFileSchema) }),
  flush: z.object({ files: z.array(z.string()) }),
  kill: z.object({ stopped: z.number().int() }),
  signal: z.object({ processes: z.array(ProcessInfoSchema) }),
  env: z.object({ processes: z.array(z.object({ id: z.number().int(), name: z.string(), env: Env })) }),
  save: z.object({ file: z.string(), apps: z.number().int() }),
  resurrect: z.object({ processes: z.array(ProcessInfoSchema), messages: z.array(z.string()) }),
  web: z.object({ url: z.string().nullable(), token_file: z.string().nullable() }),
  handover: z.object({
    kept: z.array(z.string()),
    stopped: z.array(z.string()),
    /** True when an init system (systemd) restarts the daemon: the client then waits for that one. */
    supervised: z.boolean(),
  }),
} satisfies Record<RequestType, z.ZodType>;

export type Result<T extends RequestType> = z.infer<(typeof ResultSchemas)[T]>;

export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const ResponseSchema = z.union([
  z.object({ v: z.number().int(), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ v: z.number().int(), id: z.number().int(), ok: z.literal(false), error: ErrorBodySchema }),
]);
export type Response = z.infer<typeof ResponseSchema>;

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(RequestSchemas, type);
}
