// The whole device path on one machine, every part real: edgecore's event bus
// (aedes) and device twin (SQLite), the Modbus mapper (mapper-sdk runner +
// Modbus TCP driver) and the lane controller simulator. Measures
//   - report latency: simulator value change → twin onReported
//   - desired latency: Device desired value applied → coil set on the simulator
//   - offline detection and recovery time when the controller goes silent
// One JSON line on stdout.   npx tsx bench/devices/device-path.ts [rounds=20]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runMapper } from '@kedge/mapper-sdk';
import { startLaneControllerSim } from '@kedge/testkit';
import { startEventBus } from '@kedge/edgecore/src/eventbus';
import { DeviceTwinManager, type DeviceObject, type ReportedUpdate } from '@kedge/edgecore/src/twin';
import { ModbusDriver } from '@kedge/device-mapper/src/modbus/driver';

const rounds = Math.min(Number(process.argv[2] ?? 20), 200);
const collectCycleMs = 100;
const dir = mkdtempSync(join(tmpdir(), 'kedge-bench-devices-'));
const db = new Database(join(dir, 'edge.db'));
db.pragma('journal_mode = WAL');

const sim = await startLaneControllerSim({ temperature: 20 });
const bus = await startEventBus({ port: 0 });
const listeners = new Set<(u: ReportedUpdate) => void>();
const twins = new DeviceTwinManager({
  db,
  nodeName: 'gantry-1',
  bus,
  onReported: (u) => listeners.forEach((l) => l(u)),
});
await twins.start();

const model = {
  metadata: { name: 'lane-controller', namespace: 'default' },
  spec: {
    properties: [
      { name: 'barrier', type: 'BOOLEAN', accessMode: 'ReadWrite' as const },
      { name: 'vehicle-count', type: 'INT', accessMode: 'ReadOnly' as const },
    ],
  },
};
const device = (barrier: boolean): DeviceObject => ({
  metadata: { name: 'lane-1', namespace: 'default' },
  spec: {
    deviceModelRef: { name: 'lane-controller' },
    protocol: { protocolName: 'modbus', configData: { ip: sim.host, port: sim.port, slaveID: 1, timeoutMs: 200 } },
    properties: [
      {
        name: 'barrier',
        collectCycle: collectCycleMs,
        desired: { value: String(barrier) },
        visitors: { protocolName: 'modbus', configData: { register: 'CoilRegister', offset: 0, limit: 1 } },
      },
      {
        name: 'vehicle-count',
        collectCycle: collectCycleMs,
        visitors: {
          protocolName: 'modbus',
          configData: { register: 'InputRegister', offset: 0, limit: 1, dataType: 'uint16' },
        },
      },
    ],
  },
});

function until<T>(what: string, check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

function onReport(match: (u: ReportedUpdate) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const l = (u: ReportedUpdate): void => {
      if (!match(u)) return;
      listeners.delete(l);
      resolve(performance.now());
    };
    listeners.add(l);
  });
}

const stop = new AbortController();
const mapper = runMapper({
  brokerUrl: bus.url,
  nodeName: 'gantry-1',
  drivers: { modbus: (d) => new ModbusDriver(d) },
  signal: stop.signal,
  log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  operationTimeoutMs: 300,
  initialBackoffMs: 100,
  maxBackoffMs: 1_000,
});
const online = onReport((u) => u.state === 'online');
await twins.applyDevice(device(false), model);
await online;

const reportMs: number[] = [];
const desiredMs: number[] = [];
for (let i = 1; i <= rounds; i++) {
  const seen = onReport((u) =>
    u.twins.some((t) => t.propertyName === 'vehicle-count' && t.reported?.value === String(i)),
  );
  const t0 = performance.now();
  sim.vehicleCount = i;
  reportMs.push((await seen) - t0);

  const want = i % 2 === 1;
  const t1 = performance.now();
  await twins.applyDevice(device(want), model);
  await until('coil', () => (sim.barrier === want ? true : undefined));
  desiredMs.push(performance.now() - t1);
}

const t2 = performance.now();
const offline = onReport((u) => u.state === 'offline');
sim.answering = false;
const offlineAfterMs = (await offline) - t2;
const t3 = performance.now();
const back = onReport((u) => u.state === 'online');
sim.answering = true;
const onlineAfterMs = (await back) - t3;

stop.abort();
await mapper;
await twins.stop();
await bus.close();
await sim.close();
db.close();
rmSync(dir, { recursive: true, force: true });

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
};
process.stdout.write(
  `${JSON.stringify({ bench: 'device-path', rounds, collectCycleMs, reportLatencyMs: stats(reportMs), desiredToCoilMs: stats(desiredMs), offlineDetectedMs: Math.round(offlineAfterMs), backOnlineMs: Math.round(onlineAfterMs) })}\n`,
);
