// The response envelope, checked by hand: clients (the CLI above all) read answers on every command, and
// loading a schema library for four fields would cost more than the rest of the command.
import type { SerializedError } from '../errors.js';

export type ResponseEnvelope =
  | { v: number; id: number; ok: true; result: unknown }
  | { v: number; id: number; ok: false; error: SerializedError };

export function parseResponse(frame: unknown): ResponseEnvelope | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as Record<string, unknown>;
  if (typeof f.v !== 'number' || typeof f.id !== 'number' || typeof f.ok !== 'boolean') return null;
  if (f.ok) return { v: f.v, id: f.id, ok: true, result: f.result };
  const e = f.error as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || typeof e.code !== 'string' || typeof e.message !== 'string')
    return null;
  const details =
    typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : {};
  return { v: f.v, id: f.id, ok: false, error: { code: e.code, message: e.message, details } };
}
