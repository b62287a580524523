import type Database from 'better-sqlite3';
import { InvalidDeviceError, TwinOptionsError } from './errors';
import { baseMessage, buildDelta, toMembershipDevice } from './messages';
import {
  handleMembershipGet,
  handleStateUpdate,
  handleTwinGet,
  handleTwinUpdate,
  type RequestContext,
} from './requests';
import { TwinStore, type StoredDevice } from './store';
import { DEVICE_PREFIX, deviceTopic, nodeTopic, parseDeviceTopic } from './topics';
import type { DeviceModelObject, DeviceObject, MembershipUpdateMessage, MsgTwin, ReportedUpdate } from './types';
import { checkTwinKey, checkValue, twinTypeOf } from './validate';

/** The part of edgecore's EventBus the twin uses. */
export interface TwinBus {
  publish(topic: string, payload: string | Buffer): Promise<void>;
  subscribe(topicFilter: string, handler: (topic: string, payload: Buffer) => void): Promise<() => Promise<void>>;
}

export interface DeviceTwinManagerOptions {
  /** Open better-sqlite3 database; the twin creates its `twin_devices` table in it. */
  db: Database.Database;
  /** This node's name, used in `$hw/events/node/{nodeName}/membership/...`. */
  nodeName: string;
  bus: TwinBus;
  /** Reported values, observed desired values or device state changed. Called synchronously; keep it quick. */
  onReported?: (update: ReportedUpdate) => void;
  /** A publish failed or onReported threw. Default: one JSON line on stderr. */
  onError?: (error: unknown, topic: string) => void;
}

export interface ApplyDeviceResult {
  id: string;
  /** The device was new on this node (membership/updated announced it). */
  added: boolean;
  /** Properties whose desired value changed. */
  desiredChanged: string[];
  /** Desired values refused (wrong type, out of model range); the previous desired value stays. */
  rejected: { property: string; reason: string }[];
}

/**
 * Keeps this node's devices and their twins in SQLite and serves KubeEdge's
 * device twin topics on the bus. Works with no cloud at all: mappers read and
 * write twins against what the store holds.
 */
export class DeviceTwinManager {
  private readonly store: TwinStore;
  private readonly cache = new Map<string, StoredDevice>();
  private readonly unsubscribes: (() => Promise<void>)[] = [];
  private readonly ctx: RequestContext;

  constructor(private readonly options: DeviceTwinManagerOptions) {
    if (!options?.db || !options.bus || !options.nodeName) {
      throw new TwinOptionsError(
        'DeviceTwinManager needs { db, bus, nodeName }: pass an open better-sqlite3 database, the event bus and this node name',
        {},
      );
    }
    this.store = new TwinStore(options.db);
    for (const device of this.store.list()) this.cache.set(device.id, device);
    this.ctx = {
      nodeName: options.nodeName,
      resolve: (id) => this.resolve(id),
      list: () => [...this.cache.values()],
      save: (device) => this.store.put(device),
      send: (topic, message) => this.send(topic, message),
      report: (update) => this.report(update),
    };
  }

  /** Subscribes to the device and membership request topics. */
  async start(): Promise<void> {
    const { bus, nodeName } = this.options;
    this.unsubscribes.push(
      await bus.subscribe(`${DEVICE_PREFIX}#`, (topic, payload) => {
        const parsed = parseDeviceTopic(topic);
        if (!parsed) return;
        if (parsed.action === 'twin/update') handleTwinUpdate(this.ctx, parsed.id, payload);
        else if (parsed.action === 'twin/get') handleTwinGet(this.ctx, parsed.id, payload);
        else handleStateUpdate(this.ctx, parsed.id, payload);
      }),
      await bus.subscribe(nodeTopic.membershipGet(nodeName), (_topic, payload) =>
        handleMembershipGet(this.ctx, payload),
      ),
    );
  }

  async stop(): Promise<void> {
    const pending = this.unsubscribes.splice(0).map((unsubscribe) => unsubscribe());
    await Promise.all(pending);
  }

  /** Devices held, in id order; copies, so callers cannot change the store by accident. */
  listDevices(): StoredDevice[] {
    return [...this.cache.values()].sort((a, b) => a.id.localeCompare(b.id)).map((d) => structuredClone(d));
  }

  getDevice(id: string): StoredDevice | undefined {
    const device = this.resolve(id);
    return device ? structuredClone(device) : undefined;
  }

  /**
   * A Device (and optionally its DeviceModel) from the cloud. Upserts it, sends
   * twin/update/delta when desired values changed, and membership/updated when
   * the device is new or its spec or model changed (mappers restart it then).
   */
  async applyDevice(device: DeviceObject, model?: DeviceModelObject): Promise<ApplyDeviceResult> {
    const name = device?.metadata?.name;
    if (typeof name !== 'string' || name === '')
      throw new InvalidDeviceError('Device has no metadata.name; apply a devices.kubeedge.io/v1beta1 Device', {});
    if (model !== undefined && typeof model?.metadata?.name !== 'string')
      throw new InvalidDeviceError(`DeviceModel for device ${name} has no metadata.name`, { device: name });
    const namespace = device.metadata.namespace || 'default';
    const id = `${namespace}/${name}`;
    const existing = this.cache.get(id);
    const useModel = model ?? existing?.model;
    const spec = device.spec ?? {};
    const now = Date.now();
    const rejected: ApplyDeviceResult['rejected'] = [];
    const desiredChanged: string[] = [];
    const twin: Record<string, MsgTwin> = {};
    for (const property of spec.properties ?? []) {
      const keyProblem = typeof property?.name === 'string' ? checkTwinKey(property.name) : 'property without a name';
      if (keyProblem) {
        rejected.push({ property: String(property?.name), reason: keyProblem });
        continue;
      }
      const modelProp = useModel?.spec?.properties?.find((p) => p.name === property.name);
      const previous = existing?.twin[property.name];
      const next: MsgTwin = { ...previous, metadata: { type: twinTypeOf(modelProp) } };
      const desired = property.desired?.value;
      if (desired === undefined) delete next.expected;
      else {
        const problem = checkValue(property.name, desired, modelProp, true);
        if (problem) rejected.push({ property: property.name, reason: problem });
        else if (desired !== previous?.expected?.value) {
          next.expected = { value: desired, metadata: { timestamp: now } };
          desiredChanged.push(property.name);
        }
      }
      twin[property.name] = next;
    }
    const { status: _status, ...kept } = device;
    const stored: StoredDevice = {
      id,
      namespace,
      name,
      device: { ...kept, spec },
      model: useModel,
      state: existing?.state ?? 'unknown',
      lastOnline: existing?.lastOnline ?? '',
      twin,
    };
    this.store.put(stored);
    this.cache.set(id, stored);

    const restart = !existing || shapeOf(existing) !== shapeOf(stored);
    if (restart)
      this.send(nodeTopic.membershipUpdated(this.options.nodeName), {
        ...baseMessage(),
        added_devices: [toMembershipDevice(stored)],
        removed_devices: [],
      } satisfies MembershipUpdateMessage);
    if (desiredChanged.length > 0) {
      const delta = buildDelta(stored.twin);
      if (delta) this.send(deviceTopic.delta(id), delta);
    }
    return { id, added: !existing, desiredChanged, rejected };
  }

  /** A DeviceModel changed: re-applies every device of this namespace that refers to it. */
  async applyModel(model: DeviceModelObject): Promise<string[]> {
    const namespace = model?.metadata?.namespace || 'default';
    const users = [...this.cache.values()].filter(
      (d) => d.namespace === namespace && d.device.spec.deviceModelRef?.name === model.metadata.name,
    );
    for (const device of users) await this.applyDevice(device.device, model);
    return users.map((d) => d.id);
  }

  /** The device left this node (deleted or rebound). Returns false if it was not here. */
  async removeDevice(id: string): Promise<boolean> {
    const device = this.cache.get(id);
    if (!device) return false;
    this.store.delete(id);
    this.cache.delete(id);
    this.send(nodeTopic.membershipUpdated(this.options.nodeName), {
      ...baseMessage(),
      added_devices: [],
      removed_devices: [toMembershipDevice(device)],
    } satisfies MembershipUpdateMessage);
    return true;
  }

  /** `namespace/name`, or a bare name when it is unique on this node (KubeEdge before namespaced ids). */
  private resolve(id: string): StoredDevice | undefined {
    const exact = this.cache.get(id);
    if (exact || id.includes('/')) return exact;
    const byName = [...this.cache.values()].filter((d) => d.name === id);
    return byName.length === 1 ? byName[0] : undefined;
  }

  private send(topic: string, message: object): void {
    this.options.bus.publish(topic, JSON.stringify(message)).catch((error: unknown) => this.fail(error, topic));
  }

  private report(update: ReportedUpdate): void {
    try {
      this.options.onReported?.(update);
    } catch (error) {
      this.fail(error, 'onReported');
    }
  }

  private fail(error: unknown, topic: string): void {
    if (this.options.onError) return this.options.onError(error, topic);
    process.stderr.write(
      `${JSON.stringify({ level: 'error', module: 'twin', msg: 'twin output failed', topic, error: String(error) })}\n`,
    );
  }
}

/** What a mapper needs to (re)start a device: its spec without desired values, and the model. */
function shapeOf(device: StoredDevice): string {
  const properties = device.device.spec.properties?.map(({ desired: _desired, ...rest }) => rest);
  return JSON.stringify({ spec: { ...device.device.spec, properties }, model: device.model?.spec });
}
