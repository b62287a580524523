// KubeEdge's device twin topics, as a mapper uses them. Device ids are `namespace/name`.
const DEVICE = '$hw/events/device/';
const NODE = '$hw/events/node/';

export const topics = {
  twinUpdate: (deviceId: string) => `${DEVICE}${deviceId}/twin/update`,
  twinUpdateResult: (deviceId: string) => `${DEVICE}${deviceId}/twin/update/result`,
  twinDelta: (deviceId: string) => `${DEVICE}${deviceId}/twin/update/delta`,
  twinGet: (deviceId: string) => `${DEVICE}${deviceId}/twin/get`,
  twinGetResult: (deviceId: string) => `${DEVICE}${deviceId}/twin/get/result`,
  stateUpdate: (deviceId: string) => `${DEVICE}${deviceId}/state/update`,
  membershipGet: (node: string) => `${NODE}${node}/membership/get`,
  membershipGetResult: (node: string) => `${NODE}${node}/membership/get/result`,
  membershipUpdated: (node: string) => `${NODE}${node}/membership/updated`,
} as const;
