import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { AedesPublishPacket } from 'aedes';
import type { DeviceModelSpec, DeviceSpec, MembershipDevice, MsgTwin } from '../types';

export interface TestDevice {
  /** Device name; the id is `namespace/name`. */
  name: string;
  /** Default `default`. */
  namespace?: string;
  spec: DeviceSpec;
  model?: { name: string; spec: DeviceModelSpec };
}

/** A stand-in for edgecore: an MQTT broker plus the twin topics a mapper uses. */
export interface TestEdge {
  /** Pass as `brokerUrl` to runMapper. */
  readonly url: string;
  readonly nodeName: string;
  /** Last actual value the mapper reported for a property. */
  reported(deviceId: string, property: string): string | undefined;
  /** Last state (online, offline, unknown) the mapper reported. */
  state(deviceId: string): string | undefined;
  /** How many state updates the mapper sent for a device. */
  stateReports(deviceId: string): number;
  /** Sets a desired value and sends the delta, like a change from the cloud. */
  setDesired(deviceId: string, property: string, value: string): Promise<void>;
  addDevice(device: TestDevice): Promise<void>;
  removeDevice(deviceId: string): Promise<void>;
  close(): Promise<void>;
}

interface Held {
  member: MembershipDevice;
  state?: string;
  stateReports: number;
}

const DEVICE_PREFIX = '$hw/events/device/';

/**
 * Starts an in-process broker on 127.0.0.1 (a free port) that answers
 * membership get with `devices`, records twin and state updates, and sends
 * deltas. Only for tests: no persistence, no validation.
 */
export async function startTestEdge(
  options: { nodeName?: string; devices?: TestDevice[]; /** Default 0: a free port. */ port?: number } = {},
): Promise<TestEdge> {
  const nodeName = options.nodeName ?? 'test-node';
  const { default: Aedes } = await import('aedes');
  const broker = new Aedes();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const held = new Map<string, Held>();

  const toMember = (d: TestDevice): MembershipDevice => {
    const namespace = d.namespace ?? 'default';
    const twin: Record<string, MsgTwin> = {};
    for (const p of d.spec.properties ?? []) twin[p.name] = p.desired ? { expected: { value: p.desired.value } } : {};
    return {
      id: `${namespace}/${d.name}`,
      name: d.name,
      namespace,
      spec: d.spec,
      twin,
      ...(d.model ? { model: d.model } : {}),
    };
  };
  for (const d of options.devices ?? []) {
    const member = toMember(d);
    held.set(member.id, { member, stateReports: 0 });
  }

  const publish = (topic: string, message: object): Promise<void> =>
    new Promise((resolve, reject) =>
      broker.publish(
        { cmd: 'publish', topic, payload: JSON.stringify(message), qos: 0, retain: false, dup: false },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  const base = () => ({ event_id: randomUUID(), timestamp: Date.now() });
  const json = (packet: AedesPublishPacket): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(packet.payload.toString()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };

  await new Promise<void>((resolve) =>
    broker.subscribe(
      `$hw/events/node/${nodeName}/membership/get`,
      (packet, done) => {
        const body = json(packet) ?? {};
        void publish(`$hw/events/node/${nodeName}/membership/get/result`, {
          event_id: body.event_id ?? '',
          timestamp: Date.now(),
          devices: [...held.values()].map((h) => h.member),
        });
        done();
      },
      resolve,
    ),
  );
  await new Promise<void>((resolve) =>
    broker.subscribe(
      `${DEVICE_PREFIX}#`,
      (packet, done) => {
        const body = json(packet);
        const rest = packet.topic.slice(DEVICE_PREFIX.length);
        const twinUpdate = rest.endsWith('/twin/update') ? held.get(rest.slice(0, -'/twin/update'.length)) : undefined;
        const stateUpdate = rest.endsWith('/state/update')
          ? held.get(rest.slice(0, -'/state/update'.length))
          : undefined;
        if (twinUpdate && body?.twin && typeof body.twin === 'object') {
          for (const [name, t] of Object.entries(body.twin as Record<string, MsgTwin>)) {
            const twin = (twinUpdate.member.twin ??= {});
            twin[name] = { ...twin[name], ...(t.actual ? { actual: t.actual } : {}) };
          }
        }
        if (stateUpdate && typeof body?.state === 'string') {
          stateUpdate.state = body.state;
          stateUpdate.stateReports++;
        }
        done();
      },
      resolve,
    ),
  );

  return {
    url: `mqtt://127.0.0.1:${port}`,
    nodeName,
    reported: (id, property) => held.get(id)?.member.twin?.[property]?.actual?.value,
    state: (id) => held.get(id)?.state,
    stateReports: (id) => held.get(id)?.stateReports ?? 0,
    async setDesired(id, property, value) {
      const h = held.get(id);
      if (!h) throw new Error(`test edge: no device ${id}; add it first`);
      const twin = (h.member.twin ??= {});
      twin[property] = { ...twin[property], expected: { value, metadata: { timestamp: Date.now() } } };
      await publish(`${DEVICE_PREFIX}${id}/twin/update/delta`, { ...base(), twin, delta: { [property]: value } });
    },
    async addDevice(device) {
      const member = toMember(device);
      held.set(member.id, { member, stateReports: 0 });
      await publish(`$hw/events/node/${nodeName}/membership/updated`, {
        ...base(),
        added_devices: [member],
        removed_devices: [],
      });
    },
    async removeDevice(id) {
      const h = held.get(id);
      if (!h) return;
      held.delete(id);
      await publish(`$hw/events/node/${nodeName}/membership/updated`, {
        ...base(),
        added_devices: [],
        removed_devices: [h.member],
      });
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
