/**
 * Device twins on the edge: devices in SQLite, KubeEdge's twin topics on MQTT.
 *
 * ```ts
 * const bus = await startEventBus({}, signal);
 * const twins = new DeviceTwinManager({ db, nodeName: 'gantry-17', bus, onReported: (u) => outbox.put(u) });
 * await twins.start();
 * await twins.applyDevice(deviceFromCloud, modelFromCloud); // desired → twin/update/delta
 * await twins.removeDevice('default/lane-1');               // membership/updated
 * ```
 */
export { DeviceTwinManager, type DeviceTwinManagerOptions, type ApplyDeviceResult, type TwinBus } from './manager';
export type { StoredDevice } from './store';
export type {
  DeviceObject,
  DeviceSpec,
  DeviceProperty,
  DeviceModelObject,
  DeviceModelSpec,
  ModelProperty,
  ReportedUpdate,
  ReportedTwin,
  MsgTwin,
  TwinValue,
  MembershipDevice,
} from './types';
export { InvalidDeviceError, TwinOptionsError } from './errors';
