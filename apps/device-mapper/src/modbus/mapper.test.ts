import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMapper, type MapperLogger } from '@kedge/mapper-sdk';
import { startTestEdge, type TestDevice, type TestEdge } from '@kedge/mapper-sdk/testing';
import { ModbusDriver } from './driver';
import { startRegisterServer, type RegisterServer } from '../testing/register-server';

// End to end in one process: MQTT broker with the twin topics, the mapper
// runner with the Modbus driver, and a real Modbus TCP server.

const quiet: MapperLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const ID = 'default/lane-1';

function lane(port: number): TestDevice {
  return {
    name: 'lane-1',
    model: {
      name: 'lane-controller',
      spec: {
        protocol: 'modbus',
        properties: [
          { name: 'barrier', type: 'BOOLEAN', accessMode: 'ReadWrite' },
          { name: 'vehicles', type: 'INT', accessMode: 'ReadOnly' },
          { name: 'temperature', type: 'FLOAT', accessMode: 'ReadWrite' },
          { name: 'voltage', type: 'FLOAT', accessMode: 'ReadOnly' },
        ],
      },
    },
    spec: {
      deviceModelRef: { name: 'lane-controller' },
      protocol: {
        protocolName: 'modbus',
        configData: { communicateMode: 'TCP', ip: '127.0.0.1', port: String(port), slaveID: 1, timeoutMs: 300 },
      },
      properties: [
        {
          name: 'barrier',
          collectCycle: 100,
          visitors: { protocolName: 'modbus', configData: { register: 'CoilRegister', offset: 3, limit: 1 } },
        },
        {
          name: 'vehicles',
          collectCycle: 100,
          visitors: {
            protocolName: 'modbus',
            configData: { register: 'InputRegister', offset: 0, limit: 1, dataType: 'uint16' },
          },
        },
        {
          name: 'temperature',
          collectCycle: 100,
          visitors: {
            protocolName: 'modbus',
            configData: {
              register: 'HoldingRegister',
              offset: 10,
              limit: 2,
              dataType: 'float32',
              isRegisterSwap: true,
            },
          },
        },
        {
          name: 'voltage',
          collectCycle: 100,
          visitors: {
            protocolName: 'modbus',
            configData: { register: 'InputRegister', offset: 5, limit: 1, dataType: 'int16', scale: 0.1 },
          },
        },
      ],
    },
  };
}

let server: RegisterServer;
let edge: TestEdge;
let stop: AbortController;
let running: Promise<void>;

beforeEach(async () => {
  server = await startRegisterServer();
  edge = await startTestEdge({ nodeName: 'gantry-1', devices: [lane(server.port)] });
  stop = new AbortController();
  running = runMapper({
    brokerUrl: edge.url,
    nodeName: 'gantry-1',
    drivers: { modbus: (device) => new ModbusDriver(device) },
    signal: stop.signal,
    log: quiet,
    operationTimeoutMs: 500,
    initialBackoffMs: 100,
    maxBackoffMs: 400,
  });
  await expect.poll(() => edge.state(ID), { timeout: 5_000 }).toBe('online');
});

afterEach(async () => {
  stop.abort();
  await running;
  await edge.close();
  await server.close();
});

describe('Modbus mapper end to end', () => {
  it('reports a register change within 2 s, decoded with type, order and scale', async () => {
    server.input[0] = 17;
    server.input[5] = 2301;
    server.holding[10] = 0x0000; // 21.5 as float32, low word first
    server.holding[11] = 0x41ac;
    await expect.poll(() => edge.reported(ID, 'vehicles'), { timeout: 2_000, interval: 20 }).toBe('17');
    await expect.poll(() => edge.reported(ID, 'voltage'), { timeout: 2_000 }).toBe('230.1');
    await expect.poll(() => edge.reported(ID, 'temperature'), { timeout: 2_000 }).toBe('21.5');
  });

  it('sets the coil within 1 s of a desired delta, and writes a float32 holding register', async () => {
    await edge.setDesired(ID, 'barrier', 'true');
    await expect.poll(() => server.coils[3], { timeout: 1_000, interval: 10 }).toBe(true);
    await expect.poll(() => edge.reported(ID, 'barrier'), { timeout: 2_000 }).toBe('true');
    await edge.setDesired(ID, 'temperature', '-3.25');
    await expect.poll(() => [server.holding[10], server.holding[11]], { timeout: 1_000 }).toEqual([0x0000, 0xc050]);
  });

  it('refuses a desired value the register cannot hold and stays online', async () => {
    await edge.setDesired(ID, 'temperature', '1e39');
    await edge.setDesired(ID, 'barrier', 'true');
    await expect.poll(() => server.coils[3], { timeout: 1_000 }).toBe(true);
    expect([server.holding[10], server.holding[11]]).toEqual([0, 0]);
    expect(edge.state(ID)).toBe('online');
  });

  it('marks the device offline when it stops answering and online when it is back', async () => {
    server.answering = false;
    await expect.poll(() => edge.state(ID), { timeout: 5_000 }).toBe('offline');
    server.answering = true;
    server.input[0] = 99;
    await expect.poll(() => edge.state(ID), { timeout: 5_000 }).toBe('online');
    await expect.poll(() => edge.reported(ID, 'vehicles'), { timeout: 2_000 }).toBe('99');
  });
});
