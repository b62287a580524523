// Named errors of @kedge/mapper-sdk. `code` is stable and listed in docs/mappers.md.

export abstract class MapperError extends Error {
  abstract readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/** runMapper: an option is missing or wrong (no drivers, bad broker URL, non-positive cycle). */
export class MapperOptionsError extends MapperError {
  readonly code = 'MAPPER_INVALID_OPTIONS';
}

/** A driver call (connect, read, write) took longer than `operationTimeoutMs`. */
export class DriverTimeoutError extends MapperError {
  readonly code = 'MAPPER_DRIVER_TIMEOUT';
}

/** A desired value cannot be converted to the property's model type, or the property is read-only. */
export class DesiredValueError extends MapperError {
  readonly code = 'MAPPER_DESIRED_VALUE';
}

/** A driver refuses a device's protocol or visitor configuration; thrown by drivers from connect(). */
export class DeviceConfigError extends MapperError {
  readonly code = 'MAPPER_DEVICE_CONFIG';
}
