import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { withDefaults, type ResolvedMapperOptions, type RunMapperOptions } from './options';
import { topics } from './topics';
import type { MembershipDevice, MembershipGetResult, MembershipUpdate, TwinDelta } from './types';
import { desiredOf, shapeKey } from './membership';
import { DeviceWorker } from './worker';

const DELTA_SUFFIX = '/twin/update/delta';
const DEVICE_PREFIX = '$hw/events/device/';

/**
 * Runs a mapper until `signal` aborts: asks edgecore for this node's devices
 * (membership get), runs a worker per device whose protocol has a driver,
 * follows membership updates and desired-value deltas. Resolves after a clean
 * shutdown.
 */
export async function runMapper(options: RunMapperOptions): Promise<void> {
  const o = withDefaults(options);
  if (o.signal.aborted) return;
  const mapper = new Mapper(o);
  await mapper.run();
}

class Mapper {
  private readonly client: MqttClient;
  private readonly workers = new Map<string, DeviceWorker>();
  /** Membership changes are applied one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private pendingGet: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ResolvedMapperOptions) {
    this.client = connect(o.brokerUrl, {
      username: o.username,
      password: o.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      clientId: `kedge-mapper-${o.nodeName}-${randomUUID().slice(0, 8)}`,
      // Readings taken while the bus is down are not queued (memory would grow
      // with the outage); workers report everything again after reconnecting.
      queueQoSZero: false,
    });
  }

  async run(): Promise<void> {
    const { client, o } = this;
    // One warning per outage; the retries behind it go to debug.
    let down = false;
    client.on('connect', () => {
      down = false;
      o.log.info('connected to edge bus', { broker: o.brokerUrl, node: o.nodeName });
      client.subscribe(
        [topics.membershipGetResult(o.nodeName), topics.membershipUpdated(o.nodeName)],
        { qos: 0 },
        (error) => {
          if (error) return o.log.error('subscribe failed', { error: String(error) });
          // After every (re)connect: what changed while we were away is in the answer.
          this.askMembership();
        },
      );
    });
    client.on('error', (error) =>
      (down ? o.log.debug : o.log.warn)('edge bus error', { broker: o.brokerUrl, error: String(error) }),
    );
    client.on('offline', () => {
      if (!down) o.log.warn('edge bus unreachable; retrying every second', { broker: o.brokerUrl });
      down = true;
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));

    await new Promise<void>((resolve) => o.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearTimeout(this.retryTimer);
    await this.queue;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
    await this.client.endAsync();
    o.log.info('mapper stopped', { node: o.nodeName });
  }

  private askMembership(): void {
    clearTimeout(this.retryTimer);
    if (this.o.signal.aborted) return;
    const eventId = randomUUID();
    this.pendingGet = eventId;
    this.send(topics.membershipGet(this.o.nodeName), { event_id: eventId, timestamp: Date.now() });
    this.retryTimer = setTimeout(() => {
      if (this.pendingGet === eventId && this.client.connected) {
        this.o.log.warn('no membership answer yet; asking again', { node: this.o.nodeName });
        this.askMembership();
      }
    }, this.o.membershipRetryMs);
  }

  private onMessage(topic: string, payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.o.log.warn('ignored a message that is not JSON', { topic });
      return;
    }
    if (topic === topics.membershipGetResult(this.o.nodeName)) {
      const result = body as MembershipGetResult;
      if (result.code !== undefined)
        return this.o.log.error('membership get refused', { code: result.code, reason: result.reason });
      if (this.pendingGet !== undefined && result.event_id !== this.pendingGet) return;
      this.pendingGet = undefined;
      clearTimeout(this.retryTimer);
      this.enqueue(() => this.reconcile(result.devices ?? []));
    } else if (topic === topics.membershipUpdated(this.o.nodeName)) {
      const update = body as MembershipUpdate;
      this.enqueue(async () => {
        for (const removed of update.removed_devices ?? []) await this.remove(removed.id);
        for (const added of update.added_devices ?? []) await this.upsert(added);
      });
    } else if (topic.startsWith(DEVICE_PREFIX) && topic.endsWith(DELTA_SUFFIX)) {
      const id = topic.slice(DEVICE_PREFIX.length, -DELTA_SUFFIX.length);
      const delta = (body as TwinDelta).delta;
      if (delta && typeof delta === 'object') this.workers.get(id)?.takeDesired(delta);
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(step)
      .catch((error: unknown) => this.o.log.error('membership change failed', { error: String(error) }));
  }

  private async reconcile(devices: MembershipDevice[]): Promise<void> {
    const ids = new Set(devices.map((d) => d.id));
    for (const id of [...this.workers.keys()]) if (!ids.has(id)) await this.remove(id);
    for (const device of devices) await this.upsert(device);
  }

  private async upsert(device: MembershipDevice): Promise<void> {
    if (this.o.signal.aborted || typeof device?.id !== 'string') return;
    const protocol = device.spec?.protocol?.protocolName ?? device.model?.spec.protocol;
    if (!device.spec) {
      this.o.log.error('device arrived without its spec; this mapper needs Kedge edgecore membership messages', {
        device: device.id,
      });
      return;
    }
    const factory = protocol ? this.o.drivers[protocol] : undefined;
    if (!factory) {
      this.o.log.debug('device left to another mapper (no driver for its protocol)', { device: device.id, protocol });
      return;
    }
    const existing = this.workers.get(device.id);
    const desired = desiredOf(device);
    if (existing && existing.shape === shapeKey(device)) {
      existing.takeDesired(desired);
      existing.resync();
      return;
    }
    if (existing) await this.remove(device.id);
    const worker = new DeviceWorker(device, factory, this.o, (topic, message) => this.send(topic, message));
    this.workers.set(device.id, worker);
    this.client.subscribe(topics.twinDelta(device.id), { qos: 0 });
    worker.start();
    this.o.log.info('device started', { device: device.id, protocol });
  }

  private async remove(id: string): Promise<void> {
    const worker = this.workers.get(id);
    if (!worker) return;
    this.workers.delete(id);
    this.client.unsubscribe(topics.twinDelta(id));
    await worker.stop();
    this.o.log.info('device stopped', { device: id });
  }

  private send(topic: string, message: object): void {
    this.client.publish(topic, JSON.stringify(message), { qos: 0 }, (error) => {
      if (error) this.o.log.warn('publish failed', { topic, error: String(error) });
    });
  }
}
