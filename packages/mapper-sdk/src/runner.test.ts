import { afterEach, describe, expect, it } from 'vitest';
import { runMapper, MapperOptionsError, type MapperLogger } from './index';
import { fakeDevices, startTestEdge, type TestDevice, type TestEdge } from './testing';

const quiet: MapperLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const model = {
  name: 'pump',
  spec: {
    properties: [
      { name: 'pressure', type: 'FLOAT', accessMode: 'ReadOnly' as const },
      { name: 'running', type: 'BOOLEAN', accessMode: 'ReadWrite' as const },
    ],
  },
};
const pump = (name: string, desiredRunning?: string, protocolName = 'fake'): TestDevice => ({
  name,
  model,
  spec: {
    deviceModelRef: { name: 'pump' },
    protocol: { protocolName },
    properties: [
      { name: 'pressure', collectCycle: 50, reportCycle: 1000 },
      { name: 'running', collectCycle: 50, ...(desiredRunning ? { desired: { value: desiredRunning } } : {}) },
    ],
  },
});

let edge: TestEdge | undefined;
let stop: AbortController | undefined;
let running: Promise<void> | undefined;
afterEach(async () => {
  stop?.abort();
  await running;
  await edge?.close();
  edge = undefined;
});

async function start(devices: TestDevice[]) {
  const farm = fakeDevices();
  edge = await startTestEdge({ nodeName: 'node-a', devices });
  stop = new AbortController();
  running = runMapper({
    brokerUrl: edge.url,
    nodeName: 'node-a',
    drivers: { fake: farm.driver },
    signal: stop.signal,
    log: quiet,
    initialBackoffMs: 50,
    maxBackoffMs: 200,
    membershipRetryMs: 500,
  });
  return { farm, edge };
}

describe('runMapper', () => {
  it('reports readings, writes desired values at start and from deltas', async () => {
    const { farm, edge } = await start([pump('p1', 'true')]);
    const dev = farm.device('default/p1');
    dev.values.set('pressure', 2.5);
    await expect.poll(() => edge.reported('default/p1', 'pressure'), { timeout: 3_000 }).toBe('2.5');
    await expect.poll(() => edge.state('default/p1')).toBe('online');
    await expect.poll(() => dev.writes).toEqual([{ property: 'running', value: true }]);
    await expect.poll(() => edge.reported('default/p1', 'running')).toBe('true');

    dev.values.set('pressure', 3);
    await expect.poll(() => edge.reported('default/p1', 'pressure')).toBe('3');
    await edge.setDesired('default/p1', 'running', 'false');
    await expect.poll(() => dev.values.get('running')).toBe(false);
    await expect.poll(() => edge.reported('default/p1', 'running')).toBe('false');
  });

  it('marks a silent device offline and back online after it answers again', async () => {
    const { farm, edge } = await start([pump('p1')]);
    const dev = farm.device('default/p1');
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('online');
    dev.answering = false;
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('offline');
    const connects = dev.connects;
    dev.answering = true;
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('online');
    expect(dev.connects).toBeGreaterThan(connects);
  });

  it('backs off exponentially while a device refuses connections', async () => {
    const farm = fakeDevices();
    farm.device('default/p1').answering = false;
    edge = await startTestEdge({ nodeName: 'node-a', devices: [pump('p1')] });
    stop = new AbortController();
    running = runMapper({
      brokerUrl: edge.url,
      nodeName: 'node-a',
      drivers: { fake: farm.driver },
      signal: stop.signal,
      log: quiet,
      initialBackoffMs: 40,
      maxBackoffMs: 160,
    });
    await expect.poll(() => edge!.state('default/p1'), { timeout: 3_000 }).toBe('offline');
    // Waits between attempts double: 40, 80, 160, 160 ms. Three more attempts take at least 40+80+160 ms
    // less the time before we looked (a loaded machine only makes it longer); without backoff, a few ms.
    const first = farm.device('default/p1').connectAttempts;
    const t0 = Date.now();
    await expect
      .poll(() => farm.device('default/p1').connectAttempts, { timeout: 5_000, interval: 5 })
      .toBeGreaterThanOrEqual(first + 3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  });

  it('follows membership updates and leaves other protocols alone', async () => {
    const { farm, edge } = await start([pump('p1'), pump('other', undefined, 'opcua')]);
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('online');
    await edge.addDevice(pump('p2'));
    farm.device('default/p2').values.set('pressure', 7);
    await expect.poll(() => edge.reported('default/p2', 'pressure'), { timeout: 3_000 }).toBe('7');
    await edge.removeDevice('default/p1');
    await expect.poll(() => farm.device('default/p1').connected).toBe(false);
    expect(edge.state('default/other')).toBeUndefined();
  });

  it('asks for its devices again when edgecore comes back, and reports afresh', async () => {
    const { farm, edge: first } = await start([pump('p1'), pump('p3')]);
    await expect.poll(() => first.state('default/p3'), { timeout: 3_000 }).toBe('online');
    await expect.poll(() => first.state('default/p1')).toBe('online');
    const port = Number(new URL(first.url).port);
    await first.close();
    // The new edgecore knows p1 and p2; p3 was unbound meanwhile.
    edge = await startTestEdge({ nodeName: 'node-a', devices: [pump('p1'), pump('p2')], port });
    farm.device('default/p2').values.set('pressure', 4);
    await expect.poll(() => edge!.reported('default/p2', 'pressure'), { timeout: 5_000 }).toBe('4');
    await expect.poll(() => farm.device('default/p3').connected).toBe(false);
    // p1 never changed state, yet the new edge hears it: the worker resent it.
    await expect.poll(() => edge!.state('default/p1')).toBe('online');
  });

  it('repeats the device state every stateReport.reportCycle', async () => {
    const device = pump('p1');
    device.spec.stateReport = { reportCycle: 100 };
    const { edge } = await start([device]);
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('online');
    const before = edge.stateReports('default/p1');
    await expect.poll(() => edge.stateReports('default/p1'), { timeout: 3_000 }).toBeGreaterThanOrEqual(before + 3);
  });

  it('disconnects devices and reports them unknown on abort', async () => {
    const { farm, edge } = await start([pump('p1')]);
    await expect.poll(() => edge.state('default/p1'), { timeout: 3_000 }).toBe('online');
    stop!.abort();
    await running;
    expect(farm.device('default/p1').connected).toBe(false);
    await expect.poll(() => edge.state('default/p1')).toBe('unknown');
  });

  it('refuses bad options with the field and the fix', async () => {
    const signal = new AbortController().signal;
    const base = {
      brokerUrl: 'mqtt://127.0.0.1:1883',
      nodeName: 'n1',
      drivers: { fake: fakeDevices().driver },
      signal,
    };
    await expect(runMapper({ ...base, brokerUrl: 'nope' })).rejects.toThrow(/brokerUrl "nope" is not a URL/);
    await expect(runMapper({ ...base, brokerUrl: 'http://x' })).rejects.toThrow(/mqtt:\/\//);
    await expect(runMapper({ ...base, nodeName: 'Bad Name' })).rejects.toThrow(/nodeName/);
    await expect(runMapper({ ...base, drivers: {} })).rejects.toThrow(MapperOptionsError);
    await expect(runMapper({ ...base, operationTimeoutMs: 0 })).rejects.toThrow(
      /operationTimeoutMs must be a positive/,
    );
  });
});
