// shoal/runtime: what an app imports to run correctly as many processes. Only this file is public
// (package.json "exports"); everything it does not export is internal. See docs/runtime.md.
export { type ErrorCode, isShoalError, ShoalError } from '../errors.js';
export {
  type Algorithm,
  type Auth,
  type AuthOptions,
  auth,
  type Claims,
  createAuth,
  type IssueOptions,
} from './auth.js';
export type { AuthenticatedRequest, AuthMiddleware, MiddlewareOptions } from './auth-middleware.js';
export { onShutdown, ready, type ShutdownHook } from './ready-and-shutdown.js';
export { type Counter, type Gauge, type Histogram, type Labels, type Metrics, metrics } from './metrics.js';
export { createSessions, type SessionOptions, type Sessions, sessions } from './sessions.js';
export {
  createStore,
  type Store,
  type StoreKind,
  type StoreOptions,
  store,
  type TtlOptions,
  type Unsubscribe,
} from './store.js';
