import { DesiredValueError } from './errors';
import type { DeviceProperty, DeviceSpec, DeviceModelSpec, ModelProperty } from './types';

/** A reading or a desired value, typed by the model property (INT/FLOAT → number, BOOLEAN → boolean). */
export type PropertyValue = string | number | boolean;

/** A device handed to a driver. */
export interface MapperDevice {
  /** `namespace/name`, as in the MQTT topics. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly spec: DeviceSpec;
}

export interface MapperModel {
  readonly name: string;
  readonly spec: DeviceModelSpec;
}

/** One property as a driver sees it: the Device's entry, the model's entry, and the merged visitor config. */
export interface MapperProperty {
  readonly name: string;
  /** Device `properties[].visitors.configData` over model `properties[].visitors.configData`. */
  readonly visitor: Readonly<Record<string, unknown>>;
  readonly device: DeviceProperty;
  readonly model: ModelProperty | undefined;
}

/**
 * Talks to one device. The runner serialises calls: never two at once on one
 * driver. Throwing (or taking longer than operationTimeoutMs) counts as the
 * device not answering.
 */
export interface DeviceDriver {
  connect(device: MapperDevice, model: MapperModel | undefined): Promise<void>;
  readProperty(property: MapperProperty): Promise<PropertyValue>;
  writeProperty(property: MapperProperty, value: PropertyValue): Promise<void>;
  /** Must not throw; called before every reconnect and at shutdown. */
  disconnect(): Promise<void>;
}

/** Makes a driver for a device; registered by protocol name (`spec.protocol.protocolName`). */
export type DriverFactory = (device: MapperDevice) => DeviceDriver;

/** Converts a desired value (always a string on the wire) to the property's model type. */
export function parseDesired(property: MapperProperty, raw: string): PropertyValue {
  if (property.model?.accessMode === 'ReadOnly') {
    throw new DesiredValueError(`property "${property.name}" is ReadOnly in its model; remove its desired value`, {
      property: property.name,
    });
  }
  switch (property.model?.type?.toUpperCase()) {
    case 'INT': {
      const n = Number(raw);
      if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
        throw new DesiredValueError(`desired "${raw}" of "${property.name}" is not an INT`, {
          property: property.name,
          value: raw,
        });
      return n;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new DesiredValueError(`desired "${raw}" of "${property.name}" is not a number`, {
          property: property.name,
          value: raw,
        });
      return n;
    }
    case 'BOOLEAN':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new DesiredValueError(`desired "${raw}" of "${property.name}" must be true or false`, {
        property: property.name,
        value: raw,
      });
    default:
      return raw;
  }
}

/** Formats a reading as the twin's string value. INT properties get integers, BOOLEAN ones true/false. */
export function formatReported(property: MapperProperty, value: PropertyValue): string {
  const type = property.model?.type?.toUpperCase();
  if (type === 'BOOLEAN') return value === true || value === 1 || value === 'true' ? 'true' : 'false';
  if (type === 'INT' && typeof value === 'number') return String(Math.round(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

export function buildProperty(spec: DeviceProperty, model: MapperModel | undefined): MapperProperty {
  const modelProperty = model?.spec.properties?.find((p) => p.name === spec.name);
  return {
    name: spec.name,
    visitor: { ...modelProperty?.visitors?.configData, ...spec.visitors?.configData },
    device: spec,
    model: modelProperty,
  };
}
