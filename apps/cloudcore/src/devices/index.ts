/**
 * devices: Device objects (devices.kubeedge.io/v1beta1) travel to their
 * node through edge-sync (bound by spec.nodeName, with their DeviceModel);
 * this module writes what comes back: reported twins and state into
 * Device.status. Desired values need no frame of their own: they ride in
 * the Device object.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import { deviceTwinWriter } from './twin-status';

export { mergeTwins, type ReportedTwin, type ReportedUpdate } from './twin-status';

export const devicesModule: CloudModule = {
  name: 'devices',
  async start(ctx, signal) {
    const custom = ctx.kube.makeApiClient(CustomObjectsApi);
    ctx.statusHandlers.register('deviceTwinReported', deviceTwinWriter(custom, ctx.index.promise));
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
