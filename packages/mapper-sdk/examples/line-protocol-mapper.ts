// A complete custom mapper on @kedge/mapper-sdk, using only its public API.
//
// The device speaks a tiny text protocol over TCP, one request per line:
//   "GET <register>\n"          -> "<value>\n"
//   "SET <register> <value>\n"  -> "OK\n"
// Each Device names its address in spec.protocol.configData {host, port} and
// each property its register in visitors.configData {register}.
//
//   npx tsx packages/mapper-sdk/examples/line-protocol-mapper.ts mqtt://127.0.0.1:1883 gantry-1
import { createConnection, type Socket } from 'node:net';
import { createInterface, type Interface } from 'node:readline';
import {
  DeviceConfigError,
  jsonLogger,
  runMapper,
  type DeviceDriver,
  type MapperDevice,
  type MapperProperty,
  type PropertyValue,
} from '@kedge/mapper-sdk';

export class LineProtocolDriver implements DeviceDriver {
  private socket: Socket | undefined;
  private lines: Interface | undefined;
  private waiting: ((line: string) => void) | undefined;

  async connect(device: MapperDevice): Promise<void> {
    const { host, port } = device.spec.protocol?.configData ?? {};
    if (typeof host !== 'string' || typeof port !== 'number') {
      throw new DeviceConfigError(`device ${device.id}: protocol.configData needs host (string) and port (number)`, {
        device: device.id,
      });
    }
    const socket = createConnection({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => socket.destroy());
    this.socket = socket;
    this.lines = createInterface({ input: socket });
    this.lines.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.(line);
    });
  }

  async readProperty(property: MapperProperty): Promise<PropertyValue> {
    const answer = await this.request(`GET ${register(property)}`);
    const n = Number(answer);
    return Number.isFinite(n) ? n : answer;
  }

  async writeProperty(property: MapperProperty, value: PropertyValue): Promise<void> {
    const answer = await this.request(`SET ${register(property)} ${String(value)}`);
    if (answer !== 'OK') throw new Error(`device refused SET ${property.name}: ${answer}`);
  }

  async disconnect(): Promise<void> {
    this.lines?.close();
    this.socket?.destroy();
    this.socket = undefined;
  }

  // The runner never overlaps calls on one driver, so one pending answer is enough.
  private request(line: string): Promise<string> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.reject(new Error('not connected'));
    return new Promise((resolve) => {
      this.waiting = resolve;
      socket.write(`${line}\n`);
    });
  }
}

function register(property: MapperProperty): string {
  const name = property.visitor.register;
  if (typeof name !== 'string')
    throw new DeviceConfigError(`property ${property.name}: visitors.configData.register is required`, {
      property: property.name,
    });
  return name;
}

/** Runs the mapper until SIGINT or SIGTERM. */
export async function main(brokerUrl: string, nodeName: string): Promise<void> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await runMapper({
    brokerUrl,
    nodeName,
    drivers: { 'line-protocol': () => new LineProtocolDriver() },
    signal: stop.signal,
    log: jsonLogger(),
  });
}

if (process.argv[1]?.endsWith('line-protocol-mapper.ts')) {
  const [brokerUrl = 'mqtt://127.0.0.1:1883', nodeName] = process.argv.slice(2);
  if (!nodeName) {
    process.stderr.write('usage: line-protocol-mapper.ts <brokerUrl> <nodeName>\n');
    process.exit(2);
  }
  await main(brokerUrl, nodeName);
}
