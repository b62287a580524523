import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import { startEventBus, type EventBus } from '../eventbus';
import {
  DeviceTwinManager,
  InvalidDeviceError,
  TwinOptionsError,
  type DeviceModelObject,
  type DeviceObject,
  type ReportedUpdate,
} from './index';

const NODE = 'gantry-1';
const ID = 'default/lane-1';
const T = `$hw/events/device/${ID}`;

const model: DeviceModelObject = {
  apiVersion: 'devices.kubeedge.io/v1beta1',
  kind: 'DeviceModel',
  metadata: { name: 'lane-controller', namespace: 'default' },
  spec: {
    protocol: 'modbus',
    properties: [
      { name: 'barrier', type: 'BOOLEAN', accessMode: 'ReadWrite' },
      { name: 'vehicles', type: 'INT', accessMode: 'ReadOnly' },
      { name: 'temperature', type: 'FLOAT', accessMode: 'ReadWrite', minimum: '-40', maximum: '85' },
    ],
  },
};

function device(desired: Record<string, string> = {}, name = 'lane-1'): DeviceObject {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'Device',
    metadata: { name, namespace: 'default' },
    spec: {
      deviceModelRef: { name: 'lane-controller' },
      nodeName: NODE,
      protocol: { protocolName: 'modbus', configData: { ip: '127.0.0.1', port: 5020 } },
      properties: ['barrier', 'vehicles', 'temperature'].map((p) => ({
        name: p,
        collectCycle: 500,
        reportCycle: 1000,
        ...(desired[p] !== undefined ? { desired: { value: desired[p] } } : {}),
      })),
    },
  };
}

let bus: EventBus;
let db: Database.Database;
let twins: DeviceTwinManager;
let mqtt: MqttClient;
let reported: ReportedUpdate[];
let inbox: { topic: string; body: Record<string, unknown> }[];

async function startManager(): Promise<void> {
  twins = new DeviceTwinManager({ db, nodeName: NODE, bus, onReported: (u) => reported.push(u) });
  await twins.start();
}

beforeEach(async () => {
  bus = await startEventBus({ port: 0 });
  db = new Database(':memory:');
  reported = [];
  inbox = [];
  await startManager();
  mqtt = await connectAsync(bus.url, { reconnectPeriod: 0 });
  mqtt.on('message', (topic, payload) =>
    inbox.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
  );
  await mqtt.subscribeAsync(['$hw/events/device/#', `$hw/events/node/${NODE}/#`]);
});

afterEach(async () => {
  await mqtt.endAsync();
  await twins.stop();
  await bus.close();
  db.close();
});

/** Publishes a request and waits for the first message on `replyTopic` after it. */
async function request(topic: string, payload: string | object, replyTopic: string): Promise<Record<string, unknown>> {
  const from = inbox.length;
  await mqtt.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload));
  await expect.poll(() => inbox.slice(from).some((m) => m.topic === replyTopic), { timeout: 3_000 }).toBe(true);
  return inbox.slice(from).find((m) => m.topic === replyTopic)!.body;
}

const messagesOn = (topic: string) => inbox.filter((m) => m.topic === topic).map((m) => m.body);

describe('DeviceTwinManager: from the cloud', () => {
  it('announces a new device and sends the desired delta', async () => {
    const result = await twins.applyDevice(device({ barrier: 'true' }), model);
    expect(result).toEqual({ id: ID, added: true, desiredChanged: ['barrier'], rejected: [] });
    await expect.poll(() => messagesOn(`${T}/twin/update/delta`).length).toBe(1);
    const delta = messagesOn(`${T}/twin/update/delta`)[0]!;
    expect(delta.delta).toEqual({ barrier: 'true' });
    expect(delta).toMatchObject({
      event_id: expect.any(String),
      timestamp: expect.any(Number),
      twin: {
        barrier: {
          expected: { value: 'true', metadata: { timestamp: expect.any(Number) } },
          metadata: { type: 'boolean' },
        },
      },
    });
    const updated = messagesOn(`$hw/events/node/${NODE}/membership/updated`);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      added_devices: [{ id: ID, name: 'lane-1', namespace: 'default', model: { name: 'lane-controller' } }],
      removed_devices: [],
    });
  });

  it('re-applying the same desired value sends nothing; a changed one sends a delta only', async () => {
    await twins.applyDevice(device({ barrier: 'true' }), model);
    await expect.poll(() => inbox.length).toBe(2);
    expect((await twins.applyDevice(device({ barrier: 'true' }))).desiredChanged).toEqual([]);
    expect((await twins.applyDevice(device({ barrier: 'false' }))).desiredChanged).toEqual(['barrier']);
    await expect.poll(() => messagesOn(`${T}/twin/update/delta`).length).toBe(2);
    expect(messagesOn(`$hw/events/node/${NODE}/membership/updated`)).toHaveLength(1);
  });

  it('refuses desired values the model does not allow and keeps the previous one', async () => {
    await twins.applyDevice(device({ temperature: '20' }), model);
    const result = await twins.applyDevice(device({ temperature: '120', barrier: 'maybe' }), model);
    expect(result.rejected.map((r) => r.property).sort()).toEqual(['barrier', 'temperature']);
    expect(result.rejected.find((r) => r.property === 'temperature')!.reason).toMatch(/above the model maximum 85/);
    expect(twins.getDevice(ID)!.twin.temperature!.expected!.value).toBe('20');
  });

  it('announces removal and answers membership get from the store', async () => {
    await twins.applyDevice(device(), model);
    await twins.applyDevice(device({}, 'lane-2'), model);
    const got = await request(
      `$hw/events/node/${NODE}/membership/get`,
      { event_id: 'm1' },
      `$hw/events/node/${NODE}/membership/get/result`,
    );
    expect(got.event_id).toBe('m1');
    expect((got.devices as { id: string }[]).map((d) => d.id)).toEqual(['default/lane-1', 'default/lane-2']);
    expect(got.devices).toMatchObject([
      { spec: { protocol: { protocolName: 'modbus' } }, model: { spec: { properties: expect.any(Array) } } },
      {},
    ]);

    expect(await twins.removeDevice(ID)).toBe(true);
    expect(await twins.removeDevice(ID)).toBe(false);
    await expect
      .poll(() => messagesOn(`$hw/events/node/${NODE}/membership/updated`).at(-1))
      .toMatchObject({ added_devices: [], removed_devices: [{ id: ID }] });
  });

  it('keeps devices and twins across a restart (SQLite)', async () => {
    await twins.applyDevice(device({ barrier: 'true' }), model);
    await request(`${T}/twin/update`, { twin: { vehicles: { actual: { value: '7' } } } }, `${T}/twin/update/result`);
    await twins.stop();
    await startManager();
    const got = await request(`${T}/twin/get`, { event_id: 'g1' }, `${T}/twin/get/result`);
    expect(got).toMatchObject({
      event_id: 'g1',
      twin: { barrier: { expected: { value: 'true' } }, vehicles: { actual: { value: '7' } } },
    });
  });

  it('rejects objects it cannot use', async () => {
    await expect(twins.applyDevice({ metadata: {} } as DeviceObject)).rejects.toBeInstanceOf(InvalidDeviceError);
    expect(() => new DeviceTwinManager({ db, nodeName: '', bus })).toThrow(TwinOptionsError);
  });
});

describe('DeviceTwinManager: from mappers over MQTT', () => {
  beforeEach(async () => {
    await twins.applyDevice(device({ barrier: 'true' }), model);
    await expect.poll(() => inbox.length).toBe(2);
  });

  it('stores reported values, answers with the KubeEdge result shape and reports changes once', async () => {
    const res = await request(
      `${T}/twin/update`,
      {
        event_id: 'e1',
        timestamp: 1,
        twin: { barrier: { actual: { value: 'true' } }, vehicles: { actual: { value: '3' } } },
      },
      `${T}/twin/update/result`,
    );
    expect(res).toMatchObject({
      event_id: 'e1',
      twin: {
        barrier: { expected: { value: 'true' }, actual: { value: 'true' } },
        vehicles: { actual: { value: '3' } },
      },
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ deviceId: ID, namespace: 'default', name: 'lane-1' });
    expect(reported[0]!.twins).toEqual([
      {
        propertyName: 'barrier',
        reported: { value: 'true', metadata: { timestamp: expect.any(String) } },
        observedDesired: { value: 'true', metadata: { timestamp: expect.any(String) } },
      },
      { propertyName: 'vehicles', reported: { value: '3', metadata: { timestamp: expect.any(String) } } },
    ]);
    const doc = messagesOn(`${T}/twin/update/document`).at(-1)!;
    expect(doc).toMatchObject({
      event_id: 'e1',
      twin: { vehicles: { last: { metadata: { type: 'int' } }, current: { actual: { value: '3' } } } },
    });
    expect(doc).not.toHaveProperty('twin.vehicles.last.actual');

    await request(`${T}/twin/update`, { twin: { vehicles: { actual: { value: '3' } } } }, `${T}/twin/update/result`);
    expect(reported).toHaveLength(1);
  });

  it('takes a local desired value (expected) and sends the delta', async () => {
    await request(
      `${T}/twin/update`,
      { twin: { temperature: { expected: { value: '21.5' } } } },
      `${T}/twin/update/result`,
    );
    await expect
      .poll(() => messagesOn(`${T}/twin/update/delta`).at(-1)?.delta)
      .toEqual({ barrier: 'true', temperature: '21.5' });
    expect(reported.at(-1)!.twins).toEqual([
      { propertyName: 'temperature', observedDesired: { value: '21.5', metadata: { timestamp: expect.any(String) } } },
    ]);
  });

  it.each([
    ['not JSON', '{oops', 400, /not JSON/],
    ['no twin', { event_id: 'x' }, 400, /"twin" must be a non-empty object/],
    ['unknown property', { twin: { speed: { actual: { value: '1' } } } }, 400, /property "speed" is not defined/],
    ['out of range', { twin: { temperature: { expected: { value: '99' } } } }, 400, /above the model maximum 85/],
    ['wrong type', { twin: { vehicles: { actual: { value: 'many' } } } }, 400, /not an INT/],
    ['read-only desired', { twin: { vehicles: { expected: { value: '1' } } } }, 400, /ReadOnly/],
    ['non-string value', { twin: { barrier: { actual: { value: true } } } }, 400, /must be a string/],
    ['oversized', { twin: { barrier: { actual: { value: 'true' } } }, pad: 'x'.repeat(70_000) }, 400, /exceeds 65536/],
  ])('answers %s with an error and changes nothing', async (_name, payload, code, reason) => {
    const before = JSON.stringify(twins.getDevice(ID));
    const res = await request(`${T}/twin/update`, payload, `${T}/twin/update/result`);
    expect(res).toMatchObject({ code, reason: expect.stringMatching(reason), timestamp: expect.any(Number) });
    expect(JSON.stringify(twins.getDevice(ID))).toBe(before);
    expect(reported).toHaveLength(0);
  });

  it('answers unknown devices with 404 on every request topic', async () => {
    const X = '$hw/events/device/default/ghost';
    expect(
      await request(`${X}/twin/update`, { twin: { a: { actual: { value: '1' } } } }, `${X}/twin/update/result`),
    ).toMatchObject({ code: 404, reason: expect.stringMatching(/not known on node gantry-1/) });
    expect(await request(`${X}/twin/get`, {}, `${X}/twin/get/result`)).toMatchObject({ code: 404 });
    expect(await request(`${X}/state/update`, { state: 'online' }, `${X}/state/update/result`)).toMatchObject({
      code: 404,
    });
  });

  it('tracks device state and last online time', async () => {
    const res = await request(`${T}/state/update`, { event_id: 's1', state: 'online' }, `${T}/state/update/result`);
    expect(res).toMatchObject({
      event_id: 's1',
      device: {
        name: 'lane-1',
        state: 'online',
        lastOnlineTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
    expect(reported.at(-1)).toMatchObject({ deviceId: ID, twins: [], state: 'online' });
    await request(`${T}/state/update`, { state: 'online' }, `${T}/state/update/result`);
    expect(reported).toHaveLength(1);
    await request(`${T}/state/update`, { state: 'offline' }, `${T}/state/update/result`);
    expect(reported.at(-1)).toMatchObject({ state: 'offline', lastOnlineTime: expect.any(String) });
    expect(twins.getDevice(ID)!.state).toBe('offline');
    expect(await request(`${T}/state/update`, { state: 'sleepy' }, `${T}/state/update/result`)).toMatchObject({
      code: 400,
      reason: expect.stringMatching(/one of online, offline/),
    });
  });

  it('accepts a bare device name when it is unique (older KubeEdge ids)', async () => {
    const res = await request('$hw/events/device/lane-1/twin/get', {}, '$hw/events/device/lane-1/twin/get/result');
    expect(res).toMatchObject({ twin: { barrier: { expected: { value: 'true' } } } });
  });

  it('answers a malformed membership get with an error', async () => {
    expect(
      await request(`$hw/events/node/${NODE}/membership/get`, '[1]', `$hw/events/node/${NODE}/membership/get/result`),
    ).toMatchObject({ code: 400 });
  });
});
