// Named errors of edgecore. Each class says who throws it and when; `code`
// is stable (docs list it in the troubleshooting table), `context` carries
// the ids a reader needs, `cause` the underlying error.

export abstract class EdgecoreError extends Error {
  abstract readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/** Options of a module (runtime, pods) hold a bad value; the message names the field and the fix. */
export class InvalidOptionsError extends EdgecoreError {
  readonly code = 'EDGE_INVALID_OPTIONS';
}

/** runtime: the container engine cannot be reached (socket missing, permission denied, engine down). */
export class RuntimeUnavailableError extends EdgecoreError {
  readonly code = 'EDGE_RUNTIME_UNAVAILABLE';
}

/** runtime: an engine call failed (create, start, stop, remove, exec, inspect). */
export class RuntimeOperationError extends EdgecoreError {
  readonly code = 'EDGE_RUNTIME_OPERATION_FAILED';
}

/** runtime: a pull failed (no registry reachable, unknown image); the pod shows ErrImagePull. */
export class ImagePullError extends EdgecoreError {
  readonly code = 'EDGE_IMAGE_PULL_FAILED';
}

/** pods: a pod's spec cannot be run as given (bad quantity, unknown port name, missing field). */
export class InvalidPodSpecError extends EdgecoreError {
  readonly code = 'EDGE_INVALID_POD_SPEC';
}

/** pods: env or volume source (ConfigMap, Secret, key) is missing; the container shows CreateContainerConfigError. */
export class ContainerConfigError extends EdgecoreError {
  readonly code = 'EDGE_CONTAINER_CONFIG';
}

/** config: the file, a flag or a field is wrong (missing file, bad YAML, bad URL, missing cert); the message names the fix. */
export class ConfigError extends EdgecoreError {
  readonly code = 'EDGE_CONFIG_INVALID';
}

/** hub-client: the cloud cannot be reached (DNS, TCP, TLS, proxy, HTTP refusal); the client retries with backoff. */
export class CloudUnreachableError extends EdgecoreError {
  readonly code = 'EDGE_CLOUD_UNREACHABLE';
}

/** hub-client: certificate renewal failed (cloud refused, bad response, file not writable); retried before expiry. */
export class CertRenewalError extends EdgecoreError {
  readonly code = 'EDGE_CERT_RENEWAL_FAILED';
}

/** app: a module's start() rejected (or returned while the agent was running); edgecore stops with exit code 1. */
export class ModuleFailedError extends EdgecoreError {
  readonly code = 'EDGE_MODULE_FAILED';
}

/** metastore: the state file was written by a newer edgecore (schema version above this one's). */
export class StoreVersionError extends EdgecoreError {
  readonly code = 'EDGE_STORE_VERSION';
}
