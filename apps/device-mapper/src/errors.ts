// Named errors of the Modbus mapper. `code` is stable and listed in docs/mappers.md.

export abstract class DeviceMapperError extends Error {
  abstract readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/** main: a flag or the YAML config file is wrong; the message names the flag or key. */
export class MapperConfigError extends DeviceMapperError {
  readonly code = 'MODBUS_MAPPER_CONFIG';
}

/** codec: a value does not fit the register type (e.g. 70000 into uint16 after scale). */
export class ModbusValueError extends DeviceMapperError {
  readonly code = 'MODBUS_VALUE_OUT_OF_RANGE';
}
