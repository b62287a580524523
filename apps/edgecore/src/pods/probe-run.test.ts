import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedRuntime } from '../runtime';
import { runHandler, runProbe, type ProbeTarget } from './probe-run';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' && req.headers['x-probe'] === 'yes' ? 200 : req.url === '/slow' ? 200 : 503;
    if (req.url === '/slow') setTimeout(() => res.end(), 3_000);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const target = (): ProbeTarget => ({
  runtime: new SimulatedRuntime(),
  containerId: 'none',
  container: { name: 'c', image: 'i', ports: [{ name: 'web', containerPort: port }] },
  podIP: '127.0.0.1',
});

describe('runProbe', () => {
  it('httpGet: 2xx/3xx pass, others fail, named ports resolve, timeouts fail', async () => {
    expect(
      (
        await runProbe(
          { httpGet: { path: '/healthz', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } },
          target(),
        )
      ).ok,
    ).toBe(true);
    expect(await runProbe({ httpGet: { path: '/healthz', port } }, target())).toEqual({
      ok: false,
      message: 'HTTP probe returned 503',
    });
    expect((await runProbe({ httpGet: { path: '/slow', port }, timeoutSeconds: 1 }, target())).message).toMatch(
      /timeout after 1000 ms/,
    );
    expect((await runProbe({ httpGet: { port: 'nope' } }, target())).message).toBe(
      'httpGet port "nope" names no container port',
    );
  });

  it('tcpSocket: connect passes, refused fails', async () => {
    expect((await runProbe({ tcpSocket: { port } }, target())).ok).toBe(true);
    const refused = await runProbe({ tcpSocket: { port: 1 } }, target());
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('exec failures and handler-less probes fail with a reason; hooks may sleep', async () => {
    expect((await runProbe({ exec: { command: ['true'] } }, target())).message).toMatch(/no such container/);
    expect((await runProbe({ grpc: { port: 9 } }, target())).message).toMatch(/no handler Kedge runs/);
    expect(await runHandler({ sleep: { seconds: 0 } }, target(), 1_000)).toEqual({ ok: true, message: 'slept' });
  });
});
