// Errors of the `kedge` CLI. Every command failure is one of these; main.ts
// prints `error: <message>` and `hint: <hint>` and exits with `exitCode`.
// The exit codes and stable `code` strings are listed in docs/cli.md.

/** Process exit codes, stable for scripts. */
export const ExitCode = {
  ok: 0,
  /** Something failed while running (API error, disk, child process). */
  runtime: 1,
  /** A flag, argument or input file is wrong; nothing was changed. */
  usage: 2,
  /** The cloud (or the Kubernetes API) could not be reached. */
  unreachable: 3,
  /** Token, CA pin or credentials were refused. */
  auth: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type CliErrorCode =
  | 'BAD_FLAG'
  | 'BAD_INPUT'
  | 'KUBECONFIG_MISSING'
  | 'KUBE_API_UNREACHABLE'
  | 'KUBE_API_AUTH'
  | 'KUBE_API_ERROR'
  | 'CA_MISSING'
  | 'TOKEN_NOT_FOUND'
  | 'CLOUD_UNREACHABLE'
  | 'TOKEN_REJECTED'
  | 'TOKEN_EXPIRED'
  | 'CA_PIN_MISMATCH'
  | 'JOIN_REFUSED'
  | 'ALREADY_JOINED'
  | 'NOT_CONFIRMED'
  | 'PROCESS_FAILED'
  | 'DOCKER_ERROR'
  | 'IO_ERROR';

export interface CliErrorOptions {
  hint?: string;
  cause?: unknown;
  context?: Readonly<Record<string, string | number | boolean>>;
}

/** Base of every error the CLI reports; thrown by command code. */
export class CliError extends Error {
  readonly hint: string | undefined;
  readonly context: Readonly<Record<string, string | number | boolean>>;

  constructor(
    readonly code: CliErrorCode,
    readonly exitCode: ExitCode,
    message: string,
    options: CliErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
    this.context = options.context ?? {};
  }
}

/** A flag or argument value is invalid (thrown by the option parsers). */
export class UsageError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('BAD_FLAG', ExitCode.usage, message, options);
    this.name = 'UsageError';
  }
}

/** The cloud or API server did not answer (refused, timed out, DNS). */
export class UnreachableError extends CliError {
  constructor(code: 'CLOUD_UNREACHABLE' | 'KUBE_API_UNREACHABLE', message: string, options: CliErrorOptions = {}) {
    super(code, ExitCode.unreachable, message, options);
    this.name = 'UnreachableError';
  }
}

/** A token, CA pin or credential was refused. */
export class AuthError extends CliError {
  constructor(
    code: 'TOKEN_REJECTED' | 'TOKEN_EXPIRED' | 'CA_PIN_MISMATCH' | 'KUBE_API_AUTH',
    message: string,
    options: CliErrorOptions = {},
  ) {
    super(code, ExitCode.auth, message, options);
    this.name = 'AuthError';
  }
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ABORT_ERR',
]);

/** The first network error code (ECONNREFUSED...) found along an error's cause chain. */
export function networkErrorCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 8 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.has(code)) return code;
    if ((cur as { name?: unknown }).name === 'TimeoutError') return 'ETIMEDOUT';
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = networkErrorCode(errors[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One-line description of any thrown value. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}
