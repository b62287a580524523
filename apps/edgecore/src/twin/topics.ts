// KubeEdge's devicetwin topics. A device id is `namespace/name`, so it may
// itself contain a slash; requests are told apart by their suffix alone.

export const DEVICE_PREFIX = '$hw/events/device/';
export const NODE_PREFIX = '$hw/events/node/';

export type DeviceAction = 'twin/update' | 'twin/get' | 'state/update';
const ACTIONS: readonly DeviceAction[] = ['twin/update', 'twin/get', 'state/update'];

export const deviceTopic = {
  updateResult: (id: string) => `${DEVICE_PREFIX}${id}/twin/update/result`,
  delta: (id: string) => `${DEVICE_PREFIX}${id}/twin/update/delta`,
  document: (id: string) => `${DEVICE_PREFIX}${id}/twin/update/document`,
  getResult: (id: string) => `${DEVICE_PREFIX}${id}/twin/get/result`,
  stateResult: (id: string) => `${DEVICE_PREFIX}${id}/state/update/result`,
};

export const nodeTopic = {
  membershipGet: (node: string) => `${NODE_PREFIX}${node}/membership/get`,
  membershipGetResult: (node: string) => `${NODE_PREFIX}${node}/membership/get/result`,
  membershipUpdated: (node: string) => `${NODE_PREFIX}${node}/membership/updated`,
};

/** Splits a request topic into device id and action; results and deltas (our own output) give null. */
export function parseDeviceTopic(topic: string): { id: string; action: DeviceAction } | null {
  if (!topic.startsWith(DEVICE_PREFIX)) return null;
  const rest = topic.slice(DEVICE_PREFIX.length);
  for (const action of ACTIONS) {
    const suffix = `/${action}`;
    if (rest.endsWith(suffix) && rest.length > suffix.length) return { id: rest.slice(0, -suffix.length), action };
  }
  return null;
}
