import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkCommandError, NetworkOptionsError } from '../errors';
import { startProcess, type ManagedProcess } from '../proc/process';
import { tsxEntry } from '../proc/repo-root';
import { startTinyproxy } from '../proxy/tinyproxy';
import { startDelayRelay } from './delay-relay';
import { waitFor } from '../proc/wait-for';
import { createEdgeNetwork, destroyAllNetworks, type EdgeNetwork } from './netns';
import { removeStaleNetworks } from './netns-cleanup';
import { edgeNetworkUnavailableReason } from './prerequisites';
import { runCommand } from './run-command';

const unavailable = edgeNetworkUnavailableReason();
const busybox = '/bin/busybox';
const port = 7400;
// TCP and UDP echo on one port, run inside the namespace.
const echoServer = `
const net = require('node:net'), dgram = require('node:dgram');
net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(${port}, () => {
  const u = dgram.createSocket('udp4');
  u.on('message', (m, r) => u.send(m, r.port, r.address));
  u.bind(${port}, () => console.log('echo ready'));
});`;

function openEcho(host: string): Promise<{ socket: Socket; received: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port }, () => resolve({ socket, received: () => Buffer.concat(chunks) }));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('error', reject);
  });
}

/** Echoes `bytes` bytes through the namespace and returns the seconds it took. */
async function echoSeconds(host: string, bytes: number): Promise<number> {
  const { socket, received } = await openEcho(host);
  const started = performance.now();
  socket.write(Buffer.alloc(bytes, 7));
  await waitFor(() => received().length >= bytes, {
    description: `${bytes} bytes echoed`,
    timeoutMs: 20_000,
    intervalMs: 20,
  });
  socket.destroy();
  return (performance.now() - started) / 1000;
}

/** Sends `count` UDP datagrams to the echo and counts the answers once they stop coming. */
async function udpAnswers(host: string, count: number): Promise<number> {
  const udp = createSocket('udp4');
  let answers = 0;
  udp.on('message', () => (answers += 1));
  await new Promise<void>((resolve) => udp.bind(0, resolve));
  for (let i = 0; i < count; i += 1) udp.send(Buffer.from(`p${i}`), port, host);
  let last = -1;
  await waitFor(
    () => {
      // Settled: every answer is in, or some came and no more arrived in the last interval.
      const settled = answers === count || (answers > 0 && answers === last);
      last = answers;
      return settled;
    },
    { description: 'UDP answers to settle', timeoutMs: 5_000, intervalMs: 300 },
  );
  udp.close();
  return answers;
}

describe.skipIf(unavailable)(`edge network${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let network: EdgeNetwork;
  let echo: ManagedProcess;

  beforeAll(async () => {
    network = await createEdgeNetwork({ name: 'tk-net', subnetIndex: 201 });
    const [command, args] = network.wrapCommand(process.execPath, ['-e', echoServer]);
    echo = await startProcess({ name: 'ns-echo', command, args, readyWhen: /echo ready/, readyTimeoutMs: 20_000 });
  }, 30_000);

  afterAll(async () => {
    await echo?.kill9();
    await destroyAllNetworks();
  });

  it('creates a namespace with a veth pair, loopback up, and no other route', async () => {
    expect(network.name).toMatch(/^kedge-tk-net-[0-9a-z]+-[0-9a-z]+$/);
    expect([network.hostAddress, network.nsAddress]).toEqual(['10.213.201.1', '10.213.201.2']);
    const links = (await network.exec('ip', ['-o', 'link', 'show'])).stdout;
    expect(links).toMatch(/lo: <LOOPBACK,UP/);
    expect(links).toContain(network.nsInterface);
    expect((await network.exec('ip', ['route'])).stdout.trim()).toBe(
      '10.213.201.0/24 dev ' + network.nsInterface + ' proto kernel scope link src 10.213.201.2',
    );
  });

  it.skipIf(!existsSync(busybox))('answers ping both ways', async () => {
    await runCommand(busybox, ['ping', '-c', '1', '-W', '3', network.nsAddress]);
    await network.exec(busybox, ['ping', '-c', '1', '-W', '3', network.hostAddress]);
  });

  it('carries TCP across the veth', async () => {
    expect(await echoSeconds(network.nsAddress, 64 * 1024)).toBeLessThan(5);
  });

  it('shapes both directions to the tbf rate', async () => {
    await network.shape({ rateKbit: 3000 });
    const qdiscs = (await network.exec('tc', ['qdisc', 'show', 'dev', network.nsInterface])).stdout;
    expect(qdiscs).toMatch(/tbf .* rate 3Mbit/);
    // 1 MiB at 3 Mbit/s is 2.8 s; the range leaves room for a busy machine.
    const shapedSeconds = await echoSeconds(network.nsAddress, 1024 * 1024);
    expect(shapedSeconds).toBeGreaterThan(1.5);
    expect(shapedSeconds).toBeLessThan(8);
    await network.unshape();
    expect(await echoSeconds(network.nsAddress, 1024 * 1024)).toBeLessThan(1.5);
  }, 30_000);

  it('drops a share of packets under loss, none without', async () => {
    await network.loss(30);
    const lossy = await udpAnswers(network.nsAddress, 200);
    // Each datagram crosses twice: about 49% come back; far from both 0 and 200.
    expect(lossy).toBeGreaterThan(40);
    expect(lossy).toBeLessThan(170);
    await network.loss(0);
    expect(await udpAnswers(network.nsAddress, 50)).toBe(50);
  }, 20_000);

  it('cut keeps TCP sockets open but carries nothing; restore resumes them', async () => {
    const { socket, received } = await openEcho(network.nsAddress);
    const closed: string[] = [];
    socket.on('close', () => closed.push('close'));
    socket.on('error', (e) => closed.push(e.message));
    socket.write('a');
    await waitFor(() => received().toString() === 'a', { description: 'first echo', timeoutMs: 5_000, intervalMs: 10 });

    await network.cut();
    socket.write('b');
    // A new connection during the cut hangs in SYN retries instead of being refused.
    const attempt = connect({ host: network.nsAddress, port });
    const attemptEvents: string[] = [];
    attempt.on('connect', () => attemptEvents.push('connect'));
    attempt.on('error', (e: NodeJS.ErrnoException) => attemptEvents.push(e.code ?? e.message));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received().toString()).toBe('a');
    expect(closed).toEqual([]);
    expect(attemptEvents).toEqual([]);
    attempt.destroy();

    await network.restore();
    await waitFor(() => received().toString() === 'ab', {
      description: 'echo after restore',
      timeoutMs: 15_000,
      intervalMs: 20,
    });
    expect(closed).toEqual([]);
    socket.destroy();
  }, 30_000);

  it('lets a process inside reach a loopback service through tinyproxy and a delay relay on the host end', async () => {
    const loopbackEcho = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => loopbackEcho.listen(0, '127.0.0.1', resolve));
    const relay = await startDelayRelay({
      targetHost: '127.0.0.1',
      targetPort: (loopbackEcho.address() as AddressInfo).port,
      delayMs: 50,
    });
    const proxy = await startTinyproxy({
      listenHost: network.hostAddress,
      allow: ['10.213.201.0/24'],
      connectPorts: [relay.port],
    });
    try {
      const client = `
        const s = require('node:net').connect(${proxy.port}, '${network.hostAddress}', () =>
          s.write('CONNECT 127.0.0.1:${relay.port} HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n'));
        let buf = '', t0 = 0;
        s.on('data', (d) => {
          buf += d;
          if (!t0 && buf.includes('\\r\\n\\r\\n')) { console.log(buf.split('\\r\\n')[0]); buf = ''; t0 = performance.now(); s.write('hello'); }
          else if (t0 && buf === 'hello') { console.log('rtt ' + Math.round(performance.now() - t0)); s.destroy(); }
        });`;
      const [command, args] = network.wrapCommand(process.execPath, ['-e', client]);
      const run = await startProcess({
        name: 'ns-client',
        command,
        args,
        readyWhen: /^rtt \d+/,
        readyTimeoutMs: 20_000,
      });
      expect(run.output()).toMatch(/^HTTP\/1\.[01] 200/);
      expect(Number((await run.waitForLine(/^rtt/)).split(' ')[1])).toBeGreaterThanOrEqual(2 * 50 - 2);
      expect((await run.exited).code).toBe(0);
      expect(proxy.requests()).toBe(1);
      expect(relay.bytesForwarded).toBe(10);
    } finally {
      await proxy.stop();
      await relay.close();
      await new Promise((resolve) => loopbackEcho.close(resolve));
    }
  }, 30_000);

  it('rejects bad options with the field and the fix', async () => {
    await expect(createEdgeNetwork({ name: 'Bad_Name', subnetIndex: 1 })).rejects.toThrow(/name "Bad_Name" is invalid/);
    await expect(createEdgeNetwork({ name: 'x', subnetIndex: 256 })).rejects.toThrow(
      /subnetIndex 256 is invalid: use an integer 0..255/,
    );
    await expect(createEdgeNetwork({ name: 'twin', subnetIndex: 201 })).rejects.toThrow(
      /subnetIndex 201 is in use .* pick another/,
    );
    await expect(network.shape({ rateKbit: 0 })).rejects.toBeInstanceOf(NetworkOptionsError);
    await expect(network.loss(150)).rejects.toThrow(/percent 150 is invalid/);
    await expect(network.exec('false')).rejects.toBeInstanceOf(NetworkCommandError);
  });

  it('destroy removes namespace, veth and the processes inside', async () => {
    const other = await createEdgeNetwork({ name: 'tk-gone', subnetIndex: 202 });
    const child = other.spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(async () => (await runCommand('ip', ['netns', 'pids', other.name])).stdout.trim() !== '', {
      description: 'sleep to run in the namespace',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    await other.destroy();
    await exited;
    expect((await runCommand('ip', ['netns', 'list'])).stdout).not.toContain(other.name);
    expect((await runCommand('ip', ['-o', 'link', 'show'])).stdout).not.toContain(other.hostInterface);
    await expect(other.cut()).rejects.toThrow(/was destroyed/);
    await other.destroy();
  });

  it('removeStaleNetworks removes what a SIGKILLed run left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-testkit-stale-'));
    try {
      const script = join(dir, 'leave-network.mts');
      const netns = new URL('./netns.ts', import.meta.url).pathname;
      writeFileSync(
        script,
        `import { createEdgeNetwork } from '${netns}';\n` +
          `const n = await createEdgeNetwork({ name: 'tk-stale', subnetIndex: 203 });\n` +
          `console.log('created ' + n.name);\nsetInterval(() => {}, 1000);\n`,
      );
      const [command, args] = tsxEntry(script);
      const owner = await startProcess({
        name: 'network-owner',
        command,
        args,
        readyWhen: /^created /,
        readyTimeoutMs: 20_000,
      });
      const leftName = (await owner.waitForLine(/^created /)).split(' ')[1] as string;
      await owner.kill9();
      expect((await runCommand('ip', ['netns', 'list'])).stdout).toContain(leftName);
      expect(await removeStaleNetworks()).toContain(leftName);
      expect((await runCommand('ip', ['netns', 'list'])).stdout).not.toContain(leftName);
      expect((await runCommand('ip', ['-4', '-o', 'addr', 'show'])).stdout).not.toContain('10.213.203.');
      expect((await runCommand('ip', ['netns', 'list'])).stdout).toContain(network.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
