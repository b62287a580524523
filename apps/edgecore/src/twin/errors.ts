import { EdgecoreError } from '../errors';

/** twin: a Device or DeviceModel from the cloud lacks a field the twin needs (metadata.name, ...). */
export class InvalidDeviceError extends EdgecoreError {
  readonly code = 'EDGE_TWIN_INVALID_DEVICE';
}

/** twin: DeviceTwinManager options are wrong (missing db, bus or nodeName). */
export class TwinOptionsError extends EdgecoreError {
  readonly code = 'EDGE_TWIN_OPTIONS';
}
