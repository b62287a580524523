/**
 * devices: Device objects (devices.kubeedge.io/v1beta1) travel to their
 * node through edge-sync (bound by spec.nodeName, with their DeviceModel);
 * this module installs the device CRDs when they are missing and writes
 * what comes back: reported twins, observed desired values, state and
 * last-online time into the DeviceStatus named like the Device. Desired
 * values need no frame of their own: they ride in the Device object.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import { errorMessage } from '../errors';
import { installDeviceCrds } from './install-crds';
import { deviceTwinWriter } from './twin-status';

export { DEVICE_CRDS, type CrdDocument } from './crds';
export { installDeviceCrds, type CrdOutcome } from './install-crds';
export { deviceStatusFor, mergeTwins, type ReportedTwin, type ReportedUpdate } from './twin-status';

const INSTALL_RETRY_MIN_MS = 1000;
const INSTALL_RETRY_MAX_MS = 30_000;

export const devicesModule: CloudModule = {
  name: 'devices',
  async start(ctx, signal) {
    const log = ctx.log.child('devices');
    const custom = ctx.kube.makeApiClient(CustomObjectsApi);
    ctx.statusHandlers.register('deviceTwinReported', deviceTwinWriter(custom, ctx.index.promise));
    // An API server that is not up yet is no reason to stop cloudcore: retry with backoff.
    for (let delay = INSTALL_RETRY_MIN_MS; !signal.aborted; delay = Math.min(delay * 2, INSTALL_RETRY_MAX_MS)) {
      try {
        await installDeviceCrds(custom, log);
        break;
      } catch (err) {
        log.warn('device CRDs not installed; retrying', { error: errorMessage(err), retryInMs: delay });
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
