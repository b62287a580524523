import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../errors';
import { PodBridge } from './pod-bridge';
import { podHosts, podResolvConf } from './pod-etc-files';
import type { RunCommand } from './run-command';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A host whose commands are recorded; `fails` decides which of them exit non-zero. */
function fakeHost(fails: (line: string) => boolean = () => false) {
  const calls: string[] = [];
  const run: RunCommand = (command, args, input) => {
    const line = [command, ...args].join(' ') + (input ? ` <<${input.trim().replace(/\n/g, '; ')}` : '');
    calls.push(line);
    return fails(line) ? Promise.reject(new Error(`${line}: Operation not permitted`)) : Promise.resolve('');
  };
  return { calls, run };
}

function bridgeOn(run: RunCommand, extra: { warn?: (m: string) => void; resolvConf?: () => string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-bridge-'));
  dirs.push(dir);
  return new PodBridge({
    nodeName: 'n',
    subnet: '10.77.0.0/24',
    claimsDir: join(dir, 'claims'),
    filesDir: join(dir, 'files'),
    run,
    ...extra,
  });
}

describe('PodBridge', () => {
  it('creates the bridge when absent, addresses it and lets pods out through NAT', async () => {
    const host = fakeHost((line) => line.startsWith('ip -o link show') || line.includes(' -C '));
    await bridgeOn(host.run).prepare(new Set());
    expect(host.calls).toEqual([
      'ip -o link show dev kedge0',
      'ip link add kedge0 type bridge',
      'ip -batch - <<addr replace 10.77.0.1/24 dev kedge0; link set kedge0 up',
      'iptables -w -t nat -C POSTROUTING -s 10.77.0.0/24 ! -o kedge0 -j MASQUERADE',
      'iptables -w -t nat -I POSTROUTING -s 10.77.0.0/24 ! -o kedge0 -j MASQUERADE',
      'iptables -w -t filter -C FORWARD -i kedge0 -j ACCEPT',
      'iptables -w -t filter -I FORWARD -i kedge0 -j ACCEPT',
      'iptables -w -t filter -C FORWARD -o kedge0 -j ACCEPT',
      'iptables -w -t filter -I FORWARD -o kedge0 -j ACCEPT',
    ]);
  });

  it('takes a bridge another edgecore created at the same moment', async () => {
    let shown = 0;
    const host = fakeHost((line) => (line.startsWith('ip -o link show') ? shown++ === 0 : line.includes('link add')));
    await bridgeOn(host.run).prepare(new Set());
    expect(host.calls.slice(0, 4)).toEqual([
      'ip -o link show dev kedge0',
      'ip link add kedge0 type bridge',
      'ip -o link show dev kedge0',
      'ip -batch - <<addr replace 10.77.0.1/24 dev kedge0; link set kedge0 up',
    ]);
  });

  it('fails when the host network cannot be changed, and only warns when NAT cannot be set', async () => {
    const denied = fakeHost((line) => line.startsWith('ip '));
    await expect(bridgeOn(denied.run).prepare(new Set())).rejects.toThrow(/ip link add kedge0/);
    const warnings: string[] = [];
    const noIptables = fakeHost((line) => line.startsWith('iptables'));
    await bridgeOn(noIptables.run, { warn: (m) => warnings.push(m) }).prepare(new Set());
    expect(warnings).toEqual(['pods on the edge bridge may not reach beyond the node']);
  });

  it("wires a sandbox's namespace by pid: veth on the bridge, address and default route inside", async () => {
    const host = fakeHost();
    const bridge = bridgeOn(host.run);
    await bridge.prepare(new Set());
    host.calls.length = 0;
    const { ip, filesDir } = bridge.assign('kedge_POD_web', 'web');
    expect(ip).toBe('10.77.0.2');
    expect(readFileSync(join(filesDir, 'hosts'), 'utf8')).toBe(podHosts('10.77.0.2', 'web'));
    expect(existsSync(join(filesDir, 'resolv.conf'))).toBe(true);
    await bridge.attach(4242, ip, '0123456789abcdef0123');
    expect(host.calls).toEqual([
      'ip -batch - <<link add kv0123456789ab type veth peer name eth0 netns 4242; link set kv0123456789ab master kedge0 up',
      'nsenter --target 4242 --net ip -batch - <<addr add 10.77.0.2/24 dev eth0; link set eth0 up; route add default via 10.77.0.1',
    ]);
    bridge.release(ip, 'kedge_POD_web');
    expect(existsSync(filesDir)).toBe(false);
    expect(bridge.assign('kedge_POD_next', 'next').ip).toBe('10.77.0.3');
  });

  it("writes each new pod the host's resolvers as they are then", async () => {
    let resolvers = 'nameserver 192.0.2.1\n';
    const bridge = bridgeOn(fakeHost().run, { resolvConf: () => resolvers });
    await bridge.prepare(new Set());
    const first = bridge.assign('first', 'a');
    resolvers = 'nameserver 192.0.2.2\n';
    const second = bridge.assign('second', 'b');
    expect(readFileSync(join(first.filesDir, 'resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.1\n');
    expect(readFileSync(join(second.filesDir, 'resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.2\n');
  });

  it('frees addresses and files of sandboxes that are gone when it starts', async () => {
    const first = bridgeOn(fakeHost().run);
    await first.prepare(new Set());
    const gone = first.assign('gone', 'g');
    const live = first.assign('live', 'l');
    await first.prepare(new Set(['live']));
    expect(existsSync(gone.filesDir)).toBe(false);
    expect(existsSync(live.filesDir)).toBe(true);
  });

  it('names a bad bridge name or subnet', () => {
    expect(() => new PodBridge({ nodeName: 'n', bridge: 'a-name-far-too-long', filesDir: '/x' })).toThrow(
      InvalidOptionsError,
    );
    expect(() => new PodBridge({ nodeName: 'n', subnet: '10.0.0.0/31', filesDir: '/x' })).toThrow(/runtime.podSubnet/);
  });
});

describe('pod /etc files', () => {
  it("keeps the host's resolver but drops loopback name servers, preferring systemd-resolved's upstream list", () => {
    const files: Record<string, string> = {
      '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0\nsearch lan\n',
    };
    expect(podResolvConf((p) => files[p])).toBe('options edns0\nsearch lan\n');
    files['/run/systemd/resolve/resolv.conf'] = 'nameserver 192.0.2.53\nnameserver ::1\nnameserver 127.0.0.1';
    expect(podResolvConf((p) => files[p])).toBe('nameserver 192.0.2.53\n');
    expect(podResolvConf(() => undefined)).toBe('\n');
  });
});
