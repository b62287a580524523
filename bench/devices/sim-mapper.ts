// A mapper process for the fleet benchmark: the real mapper-sdk runner with
// a simulated driver instead of Modbus, so one process can serve 1,000
// devices. Property p0 of each device is a counter that changes every
// `changeEveryMs` (spread over devices); the others hold what was last
// written to them. Each write prints one JSON line on stdout
// ({"write":id,"property","value","at"}) for the latency measurement.
//   node --import tsx bench/devices/sim-mapper.ts <brokerUrl> <nodeName> <changeEveryMs>
import { createHash } from 'node:crypto';
import {
  jsonLogger,
  runMapper,
  type DeviceDriver,
  type MapperDevice,
  type MapperProperty,
  type PropertyValue,
} from '@kedge/mapper-sdk';

const [brokerUrl, nodeName, changeEvery = '10000'] = process.argv.slice(2);
const changeEveryMs = Number(changeEvery);
if (!brokerUrl || !nodeName || !(changeEveryMs > 0)) {
  process.stderr.write('usage: sim-mapper.ts <brokerUrl> <nodeName> <changeEveryMs>\n');
  process.exit(2);
}

let connected = 0;

class SimulatedDriver implements DeviceDriver {
  private readonly values = new Map<string, PropertyValue>();
  private offsetMs = 0;
  private id = '';

  async connect(device: MapperDevice): Promise<void> {
    this.id = device.id;
    // A stable per-device phase, so changes spread evenly over the period.
    this.offsetMs = createHash('sha1').update(device.id).digest().readUInt32BE(0) % changeEveryMs;
    connected++;
    process.stdout.write(`${JSON.stringify({ connected })}\n`);
  }

  async readProperty(property: MapperProperty): Promise<PropertyValue> {
    if (property.name === 'p0') return Math.floor((Date.now() + this.offsetMs) / changeEveryMs);
    return this.values.get(property.name) ?? 0;
  }

  async writeProperty(property: MapperProperty, value: PropertyValue): Promise<void> {
    this.values.set(property.name, value);
    process.stdout.write(`${JSON.stringify({ write: this.id, property: property.name, value, at: Date.now() })}\n`);
  }

  async disconnect(): Promise<void> {
    connected--;
  }
}

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
await runMapper({
  brokerUrl,
  nodeName,
  drivers: { 'bench-sim': () => new SimulatedDriver() },
  signal: stop.signal,
  log: jsonLogger(),
});
