import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { runMapper, type MapperLogger } from '@kedge/mapper-sdk';
import { startTestEdge, type TestEdge } from '@kedge/mapper-sdk/testing';
import { LineProtocolDriver } from '../examples/line-protocol-mapper';

// Runs the example from docs/mappers.md against a line-protocol device, as a mapper author would test theirs.

const quiet: MapperLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function lineDevice(registers: Map<string, string>): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    createInterface({ input: socket }).on('line', (line) => {
      const [verb, reg = '', value = ''] = line.split(' ');
      if (verb === 'GET') socket.write(`${registers.get(reg) ?? '0'}\n`);
      else if (verb === 'SET') {
        registers.set(reg, value);
        socket.write('OK\n');
      } else socket.write('ERR\n');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })),
  );
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('example line-protocol mapper', () => {
  it('reports readings and applies desired values', async () => {
    const registers = new Map([['r1', '12.5']]);
    const { server, port } = await lineDevice(registers);
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const edge: TestEdge = await startTestEdge({
      nodeName: 'n1',
      devices: [
        {
          name: 'boiler',
          model: {
            name: 'boiler',
            spec: {
              properties: [
                { name: 'pressure', type: 'FLOAT' },
                { name: 'valve', type: 'INT', accessMode: 'ReadWrite' },
              ],
            },
          },
          spec: {
            protocol: { protocolName: 'line-protocol', configData: { host: '127.0.0.1', port } },
            properties: [
              { name: 'pressure', collectCycle: 50, visitors: { configData: { register: 'r1' } } },
              { name: 'valve', collectCycle: 50, visitors: { configData: { register: 'r2' } } },
            ],
          },
        },
      ],
    });
    cleanup.push(() => edge.close());
    const stop = new AbortController();
    const done = runMapper({
      brokerUrl: edge.url,
      nodeName: 'n1',
      drivers: { 'line-protocol': () => new LineProtocolDriver() },
      signal: stop.signal,
      log: quiet,
    });
    cleanup.push(async () => {
      stop.abort();
      await done;
    });

    await expect.poll(() => edge.reported('default/boiler', 'pressure'), { timeout: 3_000 }).toBe('12.5');
    await edge.setDesired('default/boiler', 'valve', '3');
    await expect.poll(() => registers.get('r2'), { timeout: 2_000 }).toBe('3');
    await expect.poll(() => edge.reported('default/boiler', 'valve')).toBe('3');
  });
});
