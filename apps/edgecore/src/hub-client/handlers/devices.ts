import type { EdgeObject, ObjectHandler, RemovedObject } from './registry';

/** What the devices handler drives: the device twin manager. */
export interface DeviceTarget<D = unknown, M = unknown> {
  applyDevice(device: D, model?: M): Promise<unknown>;
  removeDevice(id: string): Promise<unknown>;
}

/** How the handler finds stored objects: a device's model, a model's devices. */
export interface DeviceLookup {
  model(namespace: string, name: string): Record<string, unknown> | undefined;
  devices(): Record<string, unknown>[];
}

const modelRefOf = (device: Record<string, unknown>): string | undefined => {
  const spec = device.spec as { deviceModelRef?: { name?: unknown } } | undefined;
  const name = spec?.deviceModelRef?.name;
  return typeof name === 'string' ? name : undefined;
};

const namespaceOf = (obj: Record<string, unknown>): string =>
  ((obj.metadata as { namespace?: string } | undefined)?.namespace ?? '') || 'default';

/**
 * Device and DeviceModel events → the twin. A device is applied with its
 * model when the store has it; a model change re-applies the devices using it.
 */
export function devicesHandler<D, M>(target: DeviceTarget<D, M>, lookup: DeviceLookup): ObjectHandler {
  const apply = async (device: Record<string, unknown>): Promise<void> => {
    const ref = modelRefOf(device);
    const model = ref ? lookup.model(namespaceOf(device), ref) : undefined;
    await target.applyDevice(device as D, model as M | undefined);
  };
  const devicesUsing = (namespace: string, model: string) =>
    lookup.devices().filter((device) => namespaceOf(device) === namespace && modelRefOf(device) === model);
  return {
    name: 'devices',
    kinds: ['Device', 'DeviceModel'],
    async upsert(obj: EdgeObject) {
      if (obj.kind === 'Device') return apply(obj.body);
      for (const device of devicesUsing(obj.namespace || 'default', obj.name)) await apply(device);
    },
    async remove(obj: RemovedObject) {
      if (obj.kind === 'Device') await target.removeDevice(`${obj.namespace || 'default'}/${obj.name}`);
      // Devices keep the model they were applied with until they change or go.
    },
  };
}
