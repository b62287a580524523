import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../config';
import { openMetastore, type Metastore } from '../metastore';
import { buildNodeStatus, hostFacts, kubernetesArch, NodeReporter, type HostFacts } from './index';

const facts = (over: Partial<HostFacts> = {}): HostFacts => ({
  cpuCount: () => 4,
  memoryBytes: () => 1024 * 1024 * 1024,
  arch: () => 'arm64',
  platform: () => 'linux',
  kernel: () => '6.1.0',
  hostname: () => 'gantry-17',
  interfaces: () => ({
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
    docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }],
    eth0: [
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 1 },
      { address: '10.1.2.3', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
    ],
  }),
  readFile: (path) =>
    path === '/etc/os-release' ? 'NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' : undefined,
  diskBytes: () => 8 * 1024 * 1024 * 1024,
  ...over,
});
const inputs = {
  maxPods: 110,
  runtimeVersion: 'docker://20.10.24',
  agentVersion: '0.1.0',
  dataDir: '/tmp',
  readySince: new Date(0),
  now: new Date(1000),
};

describe('buildNodeStatus', () => {
  it('reports capacity, addresses and nodeInfo in Kubernetes terms', () => {
    const status = buildNodeStatus(inputs, facts());
    expect(status.capacity).toEqual({ cpu: '4', memory: '1048576Ki', pods: '110', 'ephemeral-storage': '8388608Ki' });
    expect(status.allocatable).toEqual(status.capacity);
    expect(status.addresses).toEqual([
      { type: 'InternalIP', address: '10.1.2.3' },
      { type: 'Hostname', address: 'gantry-17' },
    ]);
    expect(status.nodeInfo).toMatchObject({
      architecture: 'arm64',
      operatingSystem: 'linux',
      kernelVersion: '6.1.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'docker://20.10.24',
    });
    expect(status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
      lastTransitionTime: '1970-01-01T00:00:00Z',
    });
  });

  it('maps Node arch names to Kubernetes ones', () => {
    expect(kubernetesArch('x64')).toBe('amd64');
    expect(kubernetesArch('arm64')).toBe('arm64');
  });

  it('falls back when there is no os-release and only a bridge address', () => {
    const status = buildNodeStatus(
      inputs,
      facts({ readFile: () => undefined, interfaces: () => ({ docker0: facts().interfaces().docker0 }) }),
    );
    expect(status.nodeInfo.osImage).toBe('linux 6.1.0');
    expect(status.addresses[0]).toEqual({ type: 'InternalIP', address: '172.17.0.1' });
  });

  it('reads this host without failing', () => {
    const status = buildNodeStatus(inputs, hostFacts);
    expect(Number(status.capacity.cpu)).toBeGreaterThan(0);
    expect(status.addresses.at(-1)?.type).toBe('Hostname');
  });
});

describe('NodeReporter', () => {
  let dir: string;
  let store: Metastore;
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues on start and on change, not for heartbeat time alone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kedge-node-'));
    store = openMetastore(dir);
    let cpus = 4;
    const reporter = new NodeReporter({
      nodeName: 'edge-1',
      outbox: store.outbox,
      maxPods: 110,
      dataDir: dir,
      agentVersion: '0.1.0',
      runtimeVersion: async () => 'docker://20.10.24',
      log: silentLogger,
      checkIntervalMs: 10,
      facts: facts({ cpuCount: () => cpus }),
    });
    const stop = new AbortController();
    const done = reporter.run(stop.signal);
    const deadline = Date.now() + 5_000;
    while (store.outbox.size() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const first = store.outbox.pending(1)[0]!;
    expect(first).toMatchObject({ key: 'Node/edge-1', kind: 'nodeStatus' });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.outbox.pending(1)[0]!.seq).toBe(first.seq);
    cpus = 8;
    while (store.outbox.pending(1)[0]!.seq === first.seq && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const body = JSON.parse(new TextDecoder().decode(store.outbox.pending(1)[0]!.body)) as {
      capacity: { cpu: string };
    };
    expect(body.capacity.cpu).toBe('8');
    stop.abort();
    await done;
  });
});
