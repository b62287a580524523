/**
 * Reported device twins from the edge -> Device.status
 * (devices.kubeedge.io/v1beta1). The edge sends only the properties that
 * changed, so twins are merged by propertyName into what the Device holds.
 */
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import type { NodeIndex } from '../edge-sync';
import { FrameRejectedError, errorMessage } from '../errors';
import { isNotFound } from '../kube';
import type { StatusOutcome, StatusWriter } from '../status';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const DEVICES = { group: 'devices.kubeedge.io', version: 'v1beta1', plural: 'devices' };

export interface ReportedTwin {
  readonly propertyName: string;
  readonly [field: string]: unknown;
}

/** The body of a deviceTwinReported status. */
export interface ReportedUpdate {
  readonly twins?: readonly ReportedTwin[];
  readonly state?: string;
  readonly lastOnlineTime?: string;
}

export function mergeTwins(current: readonly ReportedTwin[], update: readonly ReportedTwin[]): ReportedTwin[] {
  const byName = new Map(current.map((twin) => [twin.propertyName, twin]));
  for (const twin of update) byName.set(twin.propertyName, { ...byName.get(twin.propertyName), ...twin });
  return [...byName.values()];
}

function parseUpdate(body: Uint8Array): ReportedUpdate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    throw new FrameRejectedError(
      'PROTOCOL_ERROR',
      'bad_status_body',
      `device twin body is not JSON: ${errorMessage(err)}`,
    );
  }
  const update = parsed as ReportedUpdate | null;
  const twinsOk =
    update?.twins === undefined ||
    (Array.isArray(update.twins) && update.twins.every((t) => typeof t?.propertyName === 'string'));
  if (typeof update !== 'object' || update === null || !twinsOk) {
    throw new FrameRejectedError(
      'PROTOCOL_ERROR',
      'bad_status_body',
      'device twin body must be {twins: [{propertyName, reported, ...}], state?, lastOnlineTime?}',
    );
  }
  return update;
}

export function deviceTwinWriter(custom: CustomObjectsApi, indexReady: Promise<NodeIndex>): StatusWriter {
  return async (session, frame): Promise<StatusOutcome> => {
    const { kind, namespace, name } = frame.key;
    if (kind !== 'Device') {
      throw new FrameRejectedError(
        'PROTOCOL_ERROR',
        'bad_status_key',
        `deviceTwinReported must name a Device, got ${kind}`,
      );
    }
    const update = parseUpdate(frame.body);
    const device = (await indexReady).bound('Device', namespace, name);
    if (!device || (frame.uid !== '' && frame.uid !== device.uid)) return 'stale';
    if (device.node !== session.nodeName) {
      throw new FrameRejectedError(
        'UNAUTHORIZED',
        'not_bound_to_node',
        `device ${namespace}/${name} is not bound to node ${session.nodeName}; a node reports only its own devices`,
      );
    }
    try {
      const current = (await custom.getNamespacedCustomObject({ ...DEVICES, namespace, name })) as {
        status?: { twins?: ReportedTwin[] };
      };
      const status = {
        twins: mergeTwins(current.status?.twins ?? [], update.twins ?? []),
        ...(update.state ? { state: update.state } : {}),
        ...(update.lastOnlineTime ? { lastOnlineTime: update.lastOnlineTime } : {}),
      };
      await custom.patchNamespacedCustomObjectStatus({ ...DEVICES, namespace, name, body: { status } }, mergePatch);
      return 'written';
    } catch (err) {
      if (isNotFound(err)) return 'stale';
      throw err;
    }
  };
}
