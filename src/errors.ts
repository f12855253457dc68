// Every error Shoal reports to a user: a stable code, a message the user can act on,
// and the facts (file, app, key, ...) as fields. Codes never change meaning; retired codes are never reused.
// docs/errors.md lists every code with how to solve it; test/docs-sync.test.ts keeps the two in sync.

export const ErrorCodes = {
  SHOAL_ERR_CONFIG_INVALID: 'The process file or start options are invalid.',
  SHOAL_ERR_CONFIG_NOT_FOUND: 'The process file does not exist or cannot be read.',
  SHOAL_ERR_CONFIG_LOAD: 'The process file could not be parsed or evaluated.',
  SHOAL_ERR_SCRIPT_NOT_FOUND: 'The script to start does not exist.',
  SHOAL_ERR_APP_NOT_FOUND: 'No app or process matches the given name or id.',
  SHOAL_ERR_APP_EXISTS: 'An app with that name already runs something else.',
  SHOAL_ERR_START_FAILED: 'A process that was started (or restarted) failed instead of coming online.',
  SHOAL_ERR_FLAG_INVALID: 'A command-line option has a value the command does not accept.',
  SHOAL_ERR_SIGNAL_INVALID: 'The signal name is not one this system knows.',
  SHOAL_ERR_DAEMON_UNREACHABLE: 'The daemon is not running or does not answer.',
  SHOAL_ERR_DAEMON_START: 'The daemon could not be started.',
  SHOAL_ERR_PRIMARY_UNREACHABLE: "A cluster app's primary process is not running or does not answer.",
  SHOAL_ERR_PRIMARY_UNMANAGED:
    "A cluster app's primary runs but refused this daemon (another Shoal version, or stuck); it is left as it is.",
  SHOAL_ERR_PROTOCOL_VERSION: 'The CLI and the daemon speak different protocol versions.',
  SHOAL_ERR_PROTOCOL_INVALID: 'A message did not match the protocol.',
  SHOAL_ERR_REQUEST_TOO_LARGE: 'A request was longer than the protocol allows (8 MiB per message).',
  SHOAL_ERR_BUSY: 'The daemon has too many connections, or one connection too many requests, open at once.',
  SHOAL_ERR_TIMEOUT: 'An operation did not finish in time.',
  SHOAL_ERR_SPAWN: 'The process could not be spawned.',
  SHOAL_ERR_RELOAD_FAILED: 'A reload stopped because a new worker did not become ready.',
  SHOAL_ERR_UNSUPPORTED: 'The operation is not supported for this app.',
  SHOAL_ERR_SCALE_INVALID:
    'The instance count given to scale is not N, +N, -N or max, or leaves no instance.',
  SHOAL_ERR_LOG_FILE:
    'A log file of the app cannot be opened safely for writing (permissions, a directory in the way, a link or file another user could have planted).',
  SHOAL_ERR_HOME: 'SHOAL_HOME cannot be created, or another local user could change it.',
  SHOAL_ERR_DUMP_NOT_FOUND: 'There is no saved process list (dump.json) to resurrect.',
  SHOAL_ERR_DUMP_INVALID: 'The saved process list (dump.json and its .bak) cannot be read.',
  SHOAL_ERR_DUMP_WRITE:
    'The process list could not be written (disk full, permissions); the previous one is intact.',
  SHOAL_ERR_DUMP_EMPTY: 'Saving an empty process list was refused (use --force).',
  SHOAL_ERR_STARTUP: 'The init script cannot be generated, installed or removed.',
  SHOAL_ERR_STORE_UNAVAILABLE:
    'The shared store cannot be reached: its host or Redis is down or did not answer in time.',
  SHOAL_ERR_STORE_INVALID: 'A shared-store call got an invalid key, value or option.',
  SHOAL_ERR_STORE_TYPE:
    'The stored value does not fit the operation (incr on a value that is not an integer).',
  SHOAL_ERR_AUTH_SECRET:
    'No usable auth secret: set SHOAL_AUTH_SECRET (32+ bytes) or run the app under Shoal.',
  SHOAL_ERR_AUTH_MALFORMED: 'The token is missing or is not a well-formed JWT.',
  SHOAL_ERR_AUTH_EXPIRED: 'The token has expired.',
  SHOAL_ERR_AUTH_INVALID:
    'The token does not verify: forged, signed with another secret, or claims rejected.',
  SHOAL_ERR_METRICS_INVALID: 'An app metric was declared or updated with an invalid name, labels or value.',
  SHOAL_ERR_WEB_UNAUTHORIZED: 'A dashboard read or action came without the token from SHOAL_HOME/web-token.',
  SHOAL_ERR_WEB_FORBIDDEN: 'A dashboard request named another host or came from another site.',
  SHOAL_ERR_FILE_EXISTS: 'The file to write is already there (shoal init without --force).',
  SHOAL_ERR_USAGE: 'The command line names an unknown command or flag, or misses an argument.',
  SHOAL_ERR_INTERNAL: 'An unexpected internal error.',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorDetails {
  file?: string;
  app?: string;
  key?: string;
  [field: string]: unknown;
}

export class ShoalError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShoalError';
    this.code = code;
    this.details = details;
  }

  /** The form that crosses process boundaries: code, message and facts survive, the stack does not. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: this.details };
  }

  static from(value: SerializedError): ShoalError {
    const code = (value.code in ErrorCodes ? value.code : 'SHOAL_ERR_INTERNAL') as ErrorCode;
    return new ShoalError(code, value.message, value.details ?? {});
  }
}

export interface SerializedError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export function isShoalError(err: unknown): err is ShoalError {
  return err instanceof ShoalError;
}

/** Turns anything thrown into a ShoalError, keeping the original as the cause. */
export function toShoalError(err: unknown): ShoalError {
  if (err instanceof ShoalError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ShoalError('SHOAL_ERR_INTERNAL', message, {}, { cause: err });
}
