/**
 * Reported device twins from the edge -> the DeviceStatus object
 * (devices.kubeedge.io/v1beta1) named like its Device, as KubeEdge 1.23+
 * keeps them. The Device itself is not written: a status write would bump
 * its resourceVersion and send the whole Device back down to its edge on
 * every reading (and KubeEdge dropped twins from Device.status).
 */
import type { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import type { NodeIndex } from '../edge-sync';
import { FrameRejectedError, errorMessage } from '../errors';
import { MERGE_PATCH, isConflict, isNotFound } from '../kube';
import type { StatusOutcome, StatusWriter } from '../status';
import { StatusCache, type CachedStatus } from './status-cache';

const GROUP = { group: 'devices.kubeedge.io', version: 'v1beta1' };
const STATUSES = { ...GROUP, plural: 'devicestatuses' };

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

interface DeviceLike extends KubernetesObject {
  spec?: { properties?: { name?: string }[] };
}

/**
 * Merges the changed twins into the stored ones by propertyName. When the
 * Device lists its properties, twins of properties it no longer has are
 * dropped (a renamed property leaves no stale twin behind).
 */
export function mergeTwins(
  current: readonly ReportedTwin[],
  update: readonly ReportedTwin[],
  properties?: readonly string[],
): ReportedTwin[] {
  const byName = new Map(current.map((twin) => [twin.propertyName, twin]));
  for (const twin of update) byName.set(twin.propertyName, { ...byName.get(twin.propertyName), ...twin });
  const merged = [...byName.values()];
  if (!properties?.length) return merged;
  const known = new Set(properties);
  return merged.filter((twin) => known.has(twin.propertyName));
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

/** The DeviceStatus for a Device: same name and namespace, controlled by (and deleted with) the Device. */
export function deviceStatusFor(device: KubernetesObject): KubernetesObject & { spec: object } {
  const { name, namespace, uid } = device.metadata ?? {};
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'DeviceStatus',
    metadata: {
      name,
      namespace,
      ownerReferences: [
        {
          apiVersion: 'devices.kubeedge.io/v1beta1',
          kind: 'Device',
          name: name ?? '',
          uid: uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {},
  };
}

type StoredStatus = KubernetesObject & { status?: { twins?: ReportedTwin[] } };

/** Reads the Device's DeviceStatus, creating it on first use (KubeEdge creates it when the Device appears). */
async function readOrCreate(custom: CustomObjectsApi, device: KubernetesObject): Promise<StoredStatus> {
  const namespace = device.metadata?.namespace ?? 'default';
  const name = device.metadata?.name ?? '';
  try {
    return (await custom.getNamespacedCustomObject({ ...STATUSES, namespace, name })) as StoredStatus;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    const body = deviceStatusFor(device);
    return (await custom.createNamespacedCustomObject({ ...STATUSES, namespace, body })) as StoredStatus;
  } catch (err) {
    // Another replica created it first.
    if (!isConflict(err)) throw err;
    return (await custom.getNamespacedCustomObject({ ...STATUSES, namespace, name })) as StoredStatus;
  }
}

export function deviceTwinWriter(
  custom: CustomObjectsApi,
  indexReady: Promise<NodeIndex>,
  cache = new StatusCache(),
): StatusWriter {
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
    const bound = (await indexReady).bound('Device', namespace, name);
    if (!bound || (frame.uid !== '' && frame.uid !== bound.uid)) return 'stale';
    if (bound.node !== session.nodeName) {
      throw new FrameRejectedError(
        'UNAUTHORIZED',
        'not_bound_to_node',
        `device ${namespace}/${name} is not bound to node ${session.nodeName}; a node reports only its own devices`,
      );
    }
    const device = bound.object as DeviceLike;
    const properties = device.spec?.properties?.map((p) => p.name ?? '').filter(Boolean);
    // Patches with the resourceVersion the twins were read at: a write in between is a conflict, not a loss.
    const write = async (base: CachedStatus): Promise<void> => {
      const status = {
        twins: mergeTwins(base.twins, update.twins ?? [], properties),
        ...(update.state ? { state: update.state } : {}),
        ...(update.lastOnlineTime ? { lastOnlineTime: update.lastOnlineTime } : {}),
      };
      const body = { metadata: { resourceVersion: base.resourceVersion }, status };
      const written = (await custom.patchNamespacedCustomObjectStatus(
        { ...STATUSES, namespace, name, body },
        MERGE_PATCH,
      )) as StoredStatus;
      cache.set(bound.uid, { resourceVersion: written.metadata?.resourceVersion ?? '', twins: status.twins });
    };
    try {
      const cached = cache.get(bound.uid);
      if (cached) {
        try {
          await write(cached);
          return 'written';
        } catch (err) {
          cache.delete(bound.uid);
          if (!isConflict(err) && !isNotFound(err)) throw err;
        }
      }
      let current = await readOrCreate(custom, device);
      const owner = current.metadata?.ownerReferences?.find((ref) => ref.controller);
      if (owner && owner.uid !== bound.uid) {
        // Left by an earlier Device of the same name, before garbage collection got to it.
        const preconditions = { uid: current.metadata?.uid ?? '' };
        await custom.deleteNamespacedCustomObject({ ...STATUSES, namespace, name, body: { preconditions } });
        current = await readOrCreate(custom, device);
      }
      await write({ resourceVersion: current.metadata?.resourceVersion ?? '', twins: current.status?.twins ?? [] });
      return 'written';
    } catch (err) {
      if (isNotFound(err)) return 'stale';
      throw err;
    }
  };
}
