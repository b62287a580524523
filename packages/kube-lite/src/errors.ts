// Errors of kube-lite. ApiError is what every REST handler and every
// ControllerApi method throws: it carries the metav1 Status that Kubernetes
// would answer, so kubectl prints its usual messages.

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Expired'
  | 'Gone'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'InternalError';

/** metav1.Status as served on the wire. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** Thrown by handlers, the store and ControllerApi when a request fails as Kubernetes would fail it. */
export class ApiError extends Error {
  readonly code: string;
  constructor(
    readonly httpCode: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.code = `KUBE_LITE_${reason.toUpperCase()}`;
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.httpCode,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** Names a resource for messages: `pods`, `deployments.apps`. */
function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const apiErrors = {
  notFound: (group: string, resource: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(group, resource)} "${name}" not found`, { name, group, kind: resource }),
  alreadyExists: (group: string, resource: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(group, resource)} "${name}" already exists`, {
      name,
      group,
      kind: resource,
    }),
  conflict: (group: string, resource: string, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`, {
      name,
      group,
      kind: resource,
    }),
  invalid: (group: string, kind: string, name: string, causes: StatusCause[]) =>
    new ApiError(
      422,
      'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message}`).join(', ')}`,
      {
        name,
        group,
        kind,
        causes: causes.map((c) => ({
          reason: c.reason ?? 'FieldValueInvalid',
          message: c.message,
          ...(c.field ? { field: c.field } : {}),
        })),
      },
    ),
  noSuchResource: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string) => new ApiError(403, 'Forbidden', message),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  unsupportedMediaType: (type: string) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got "${type}"`,
    ),
  internal: (message: string, cause?: unknown) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, undefined, { cause }),
};

/** Thrown by startKubeLite when its options or data dir are unusable. */
export class KubeLiteConfigError extends Error {
  readonly code = 'KUBE_LITE_CONFIG';
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeLiteConfigError';
  }
}

/** Thrown when the SQLite store cannot be opened or read back. */
export class KubeLiteStoreError extends Error {
  readonly code = 'KUBE_LITE_STORE';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeLiteStoreError';
  }
}
