// A request/response protocol in one definition: its version, who answers it, and for each request type
// the schema of the request and of its result. Servers are typed by it (every handler must return its
// request's result type) and clients check every result against it on arrival.
import type * as z from 'zod/v4/core';
import type { ErrorCode } from '../errors.js';

export interface RequestDef {
  request: z.$ZodType;
  result: z.$ZodType;
}

export interface Channel<R extends Record<string, RequestDef> = Record<string, RequestDef>> {
  /** Bumped only when a message shape changes incompatibly. */
  readonly version: number;
  /** The code of the error a client reports when the answering side cannot be reached. */
  readonly unreachable: ErrorCode;
  readonly requests: R;
}

/** A request's schemas, or a function that builds them the first time the request is sent or served. */
export type LazyRequestDef = RequestDef | (() => RequestDef);

type Built<S> = {
  [T in keyof S]: S[T] extends RequestDef
    ? S[T]
    : S[T] extends () => infer D
      ? Extract<D, RequestDef>
      : never;
};

/**
 * Requests given as functions are built on first use and kept: a process that sends or serves one
 * request type (a CLI command) builds that type's schemas only.
 */
export function defineChannel<S extends Record<string, LazyRequestDef>>(channel: {
  version: number;
  unreachable: ErrorCode;
  requests: S;
}): Channel<Built<S>> {
  const requests: Record<string, RequestDef> = {};
  for (const [type, def] of Object.entries(channel.requests)) {
    if (typeof def !== 'function') {
      requests[type] = def;
      continue;
    }
    let built: RequestDef | undefined;
    Object.defineProperty(requests, type, { enumerable: true, get: () => (built ??= def()) });
  }
  return { version: channel.version, unreachable: channel.unreachable, requests: requests as Built<S> };
}

type Defs<C> = C extends Channel<infer R> ? R : never;

export type RequestType<C extends Channel> = keyof Defs<C> & string;
/** What a client sends (defaults may be left out). */
export type RequestPayload<C extends Channel, T extends RequestType<C>> = z.input<Defs<C>[T]['request']>;
/** What a handler receives, checked and with defaults filled in. */
export type ParsedRequest<C extends Channel, T extends RequestType<C>> = z.output<Defs<C>[T]['request']>;
/** What a client gets back, checked. */
export type Result<C extends Channel, T extends RequestType<C>> = z.output<Defs<C>[T]['result']>;

/** One handler per request type, each bound to return its own result type. */
export type Handlers<C extends Channel, Ctx = unknown> = {
  [T in RequestType<C>]: (
    request: ParsedRequest<C, T>,
    context: Ctx,
  ) => z.input<Defs<C>[T]['result']> | Promise<z.input<Defs<C>[T]['result']>>;
};
