import { createServer, connect, type Server } from 'node:net';
import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCsr, generateNodeKey } from './csr';
import { HollowFleetError, TcpBalancerError } from './errors';
import { HollowFleet, type HollowAgent } from './fleet';
import type { HollowIdentity } from './join';
import { startTcpBalancer, type TcpBalancer } from './tcp-balancer';

describe('buildCsr', () => {
  it('makes a CSR whose subject is the node and whose signature verifies', async () => {
    const key = generateNodeKey();
    const csr = new x509.Pkcs10CertificateRequest(buildCsr(key, 'hollow-7'));
    expect(csr.subject).toBe('CN=hollow-7');
    expect(await csr.verify()).toBe(true);
    // One key, many nodes: the public key is the same, the subjects differ.
    const other = new x509.Pkcs10CertificateRequest(buildCsr(key, 'hollow-8'));
    expect(Buffer.from(other.publicKey.rawData)).toEqual(Buffer.from(csr.publicKey.rawData));
  });
});

describe('startTcpBalancer', () => {
  const servers: Server[] = [];
  let balancer: TcpBalancer | undefined;
  afterEach(async () => {
    await balancer?.close();
    for (const s of servers.splice(0)) s.close();
  });

  const namedServer = async (name: string) => {
    const server = createServer((socket) => socket.end(name));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as { port: number }).port;
  };
  const ask = (port: number) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });

  it('alternates between targets and skips one that refuses', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    const dead = await namedServer('dead');
    servers.pop()?.close(); // nothing listens on `dead` any more
    balancer = await startTcpBalancer({
      targets: [a, b, dead].map((port) => ({ host: '127.0.0.1', port })),
    });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(balancer.port));
    expect(new Set(answers)).toEqual(new Set(['a', 'b']));
    expect(answers.filter((x) => x === 'a').length).toBeGreaterThanOrEqual(2);
    expect(balancer.forwarded[2]).toBe(0);
  });

  it('refuses bad options', async () => {
    await expect(startTcpBalancer({ targets: [] })).rejects.toThrow(TcpBalancerError);
    await expect(startTcpBalancer({ targets: [{ host: '127.0.0.1', port: 70000 }] })).rejects.toThrow(/1\.\.65535/);
  });
});

describe('HollowFleet', () => {
  const identity = (i: number): HollowIdentity => ({
    nodeName: `n-${i}`,
    keyPem: '',
    certPem: '',
    caPem: '',
    cloudUrl: 'wss://127.0.0.1:1',
  });
  const fakeAgent = (log: string[], name: string): HollowAgent => {
    let connects = 0;
    return {
      start: () => {
        connects++;
        log.push(`start ${name}`);
      },
      reconnect: () => {
        connects++;
        log.push(`reconnect ${name}`);
      },
      stop: async () => {
        log.push(`stop ${name}`);
      },
      stats: () => ({ connected: true, synced: true, connects, bytesIn: 10, bytesOut: 1, objectsReceived: 2 }),
    };
  };

  it('starts every node in order, sums their stats, churns and stops them', async () => {
    const log: string[] = [];
    const fleet = new HollowFleet({
      identities: Array.from({ length: 25 }, (_, i) => identity(i)),
      agentFactory: (id) => fakeAgent(log, id.nodeName),
      startPerSecond: 1000,
      tickMs: 5,
    });
    await fleet.start();
    expect(log.filter((l) => l.startsWith('start'))).toHaveLength(25);
    expect(log[0]).toBe('start n-0');
    expect(fleet.stats()).toMatchObject({ nodes: 25, started: 25, synced: 25, bytesIn: 250, objectsReceived: 50 });
    fleet.churn({ reconnectsPerMinute: 60_000, tickMs: 5, random: () => 0 });
    await new Promise((r) => setTimeout(r, 30));
    fleet.stopChurn();
    expect(log.some((l) => l === 'reconnect n-0')).toBe(true);
    await fleet.stop();
    expect(log.filter((l) => l.startsWith('stop'))).toHaveLength(25);
  });

  it('refuses bad options', () => {
    const agentFactory = () => fakeAgent([], 'x');
    expect(() => new HollowFleet({ identities: [], agentFactory })).toThrow(HollowFleetError);
    expect(() => new HollowFleet({ identities: [identity(0)], agentFactory, startPerSecond: 0 })).toThrow(
      /startPerSecond/,
    );
  });
});
