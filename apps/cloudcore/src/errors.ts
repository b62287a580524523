/**
 * Named errors of cloudcore. Each carries a stable `code` that
 * docs/cloudcore.md lists with its fix; callers switch on `code`, never on
 * the message.
 */
export type CloudcoreErrorCode =
  /** config: a field of the YAML file or a flag has a bad value. */
  | 'CONFIG_INVALID'
  /** config: the YAML file cannot be read or parsed. */
  | 'CONFIG_FILE'
  /** main: no kubeconfig, no in-cluster service account and no $KUBECONFIG. */
  | 'KUBECONFIG_MISSING'
  /** auth: Secret kedge-ca exists but holds no usable certificate or key. */
  | 'CA_INVALID'
  /** auth/join: the token is not of the form [a-z0-9]{6}.[a-z0-9]{16}. */
  | 'TOKEN_MALFORMED'
  /** auth/join: no bootstrap token Secret with that id (never created, or revoked). */
  | 'TOKEN_UNKNOWN'
  /** auth/join: the token id exists but its secret does not match. */
  | 'TOKEN_MISMATCH'
  /** auth/join: the token's expiration has passed. */
  | 'TOKEN_EXPIRED'
  /** auth/join: the token Secret has no or an unreadable expiration / hash. */
  | 'TOKEN_CORRUPT'
  /** auth: the CSR cannot be parsed, its signature is wrong, or its key type is not allowed. */
  | 'CSR_INVALID'
  /** auth/join: the node name is not a DNS-1123 subdomain or differs from the CSR's CN. */
  | 'NODE_NAME_INVALID'
  /** auth, hub: a request that needs a client certificate came without a valid one. */
  | 'CLIENT_CERT_REQUIRED'
  /** auth: the request body is not valid JSON of the expected shape or is too large. */
  | 'BAD_REQUEST'
  /** auth: the Kubernetes API failed while checking a join or renew; retry later. */
  | 'API_UNAVAILABLE'
  /** hub: too many handshakes in flight and the wait queue is full. */
  | 'HANDSHAKE_BUSY'
  /** hub: a frame was refused; the session is closed with `closeCode`. */
  | 'FRAME_REJECTED'
  /** main: a module's start() rejected. */
  | 'MODULE_FAILED';

/** Base of every cloudcore error: a stable code, readonly context, an optional cause. */
export class CloudcoreError extends Error {
  override readonly name: string = 'CloudcoreError';
  constructor(
    readonly code: CloudcoreErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by config/ for a bad file, field or flag; `field` names it, the message says the fix. */
export class ConfigError extends CloudcoreError {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown; code?: 'CONFIG_INVALID' | 'CONFIG_FILE' | 'KUBECONFIG_MISSING' },
  ) {
    super(options?.code ?? 'CONFIG_INVALID', message, { field }, options);
  }
}

/**
 * Thrown by auth/ when a join or renew request is refused; `httpStatus` is what
 * the endpoint answers with, the body being `{ code, message }`.
 */
export class AuthError extends CloudcoreError {
  override readonly name = 'AuthError';
  constructor(
    code: CloudcoreErrorCode,
    readonly httpStatus: number,
    message: string,
    context: Readonly<Record<string, string | number>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

/** Thrown by auth/ca when Secret kedge-ca holds material that cannot be used. */
export class CaError extends CloudcoreError {
  override readonly name = 'CaError';
  constructor(message: string, context: Readonly<Record<string, string>> = {}, options?: { cause?: unknown }) {
    super('CA_INVALID', message, context, options);
  }
}

/**
 * Thrown by frame handlers when a frame must close its session: the hub sends
 * a close frame with `closeCode`, counts `reason` and leaves other sessions alone.
 */
export class FrameRejectedError extends CloudcoreError {
  override readonly name = 'FrameRejectedError';
  constructor(
    readonly closeCode:
      | 'PROTOCOL_ERROR'
      | 'UNAUTHORIZED'
      | 'FRAME_TOO_LARGE'
      | 'RATE_LIMITED'
      | 'UNSUPPORTED_VERSION'
      | 'GOING_AWAY'
      | 'INTERNAL_ERROR',
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('FRAME_REJECTED', message, { reason }, options);
  }
}

/** Rejected by main's module runner when a module's start() rejects. */
export class ModuleError extends CloudcoreError {
  override readonly name = 'ModuleError';
  constructor(
    readonly module: string,
    options: { cause: unknown },
  ) {
    super('MODULE_FAILED', `module ${module} failed: ${errorMessage(options.cause)}`, { module }, options);
  }
}

/** The message of anything thrown, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
