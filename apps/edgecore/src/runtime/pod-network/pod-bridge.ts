import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionsError } from '../../errors';
import { IpClaims } from './ip-claims';
import { parseSubnet, type Ipv4Subnet } from './ipv4-subnet';
import { podResolvConf, removePodEtcFiles, writePodEtcFiles } from './pod-etc-files';
import { runCommand, type RunCommand } from './run-command';

// The pods' network when edgecore manages it: a Linux bridge on the host,
// one veth pair per sandbox, addresses from a host-wide claim directory, and
// NAT for traffic that leaves the node. Docker then starts sandboxes with no
// network of its own, which spares it the two `dockerd` re-executions it
// makes per network namespace (most of a pod's start-up on a small box).

export interface PodBridgeOptions {
  nodeName: string;
  /** The host's resolver file as pods get it. Default: read from /run/systemd/resolve or /etc. */
  resolvConf?: () => string;
  /** Linux bridge name. Default `kedge0`. */
  bridge?: string;
  /** Pod subnet; the bridge takes its first address. Default `10.88.0.0/16`. */
  subnet?: string;
  /** Host-wide directory of address claims. Default `/var/lib/kedge/ipam/<bridge>`. */
  claimsDir?: string;
  /** Where each pod's /etc/hosts and /etc/resolv.conf are written. */
  filesDir: string;
  run?: RunCommand;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface PodAddress {
  ip: string;
  /** Directory holding the pod's `hosts` and `resolv.conf`. */
  filesDir: string;
}

/** A Linux interface name: the config loader checks `runtime.bridge` with it too. */
export const BRIDGE_NAME = /^[a-zA-Z0-9_.-]{1,15}$/;

export class PodBridge {
  readonly bridge: string;
  readonly subnet: Ipv4Subnet;
  private readonly claims: IpClaims;
  private readonly run: RunCommand;
  private readonly readResolvConf: () => string;

  constructor(private readonly options: PodBridgeOptions) {
    this.bridge = options.bridge ?? 'kedge0';
    if (!BRIDGE_NAME.test(this.bridge)) {
      throw new InvalidOptionsError(
        `runtime.bridge is "${this.bridge}", not a Linux interface name (1-15 of letters, digits, _ . -)`,
        { bridge: this.bridge },
      );
    }
    this.subnet = parseSubnet(options.subnet ?? '10.88.0.0/16', 'runtime.podSubnet');
    this.claims = new IpClaims(
      options.claimsDir ?? join('/var/lib/kedge/ipam', this.bridge),
      this.subnet,
      options.nodeName,
    );
    this.run = options.run ?? runCommand;
    this.readResolvConf = options.resolvConf ?? (() => podResolvConf());
  }

  /**
   * Creates the bridge (or takes the existing one), enables forwarding and
   * NAT, and frees claims of sandboxes that no longer exist. Rejects when the
   * host's network cannot be changed (no root, no `ip`).
   */
  async prepare(liveSandboxNames: ReadonlySet<string>): Promise<void> {
    const { bridge, subnet } = this;
    const exists = () =>
      this.run('ip', ['-o', 'link', 'show', 'dev', bridge]).then(
        () => true,
        () => false,
      );
    if (!(await exists())) {
      // Another edgecore on the host may create it at the same moment.
      await this.run('ip', ['link', 'add', bridge, 'type', 'bridge']).catch(async (error: unknown) => {
        if (!(await exists())) throw error;
      });
    }
    await this.run(
      'ip',
      ['-batch', '-'],
      `addr replace ${subnet.gateway}/${subnet.prefix} dev ${bridge}\nlink set ${bridge} up\n`,
    );
    this.claims.reconcile(liveSandboxNames);
    for (const owner of listDirs(this.options.filesDir)) {
      if (!liveSandboxNames.has(owner)) removePodEtcFiles(this.filesDirOf(owner));
    }
    await this.allowForwarding();
  }

  /** Claims an address for the sandbox named `owner` and writes its files. */
  assign(owner: string, hostname: string): PodAddress {
    const ip = this.claims.claim(owner);
    try {
      // Read per pod, as kubelet does: a DHCP lease may have changed the host's resolvers.
      return { ip, filesDir: writePodEtcFiles(this.filesDirOf(owner), ip, hostname, this.readResolvConf()) };
    } catch (error) {
      this.claims.release(ip, owner);
      throw error;
    }
  }

  filesDirOf(owner: string): string {
    return join(this.options.filesDir, owner);
  }

  /** Moves one end of a new veth pair into the sandbox's namespace (by its pid) and addresses it. */
  async attach(pid: number, ip: string, sandboxId: string): Promise<void> {
    const hostEnd = `kv${sandboxId.slice(0, 12)}`;
    const { bridge, subnet } = this;
    await this.run(
      'ip',
      ['-batch', '-'],
      `link add ${hostEnd} type veth peer name eth0 netns ${pid}\nlink set ${hostEnd} master ${bridge} up\n`,
    );
    await this.run(
      'nsenter',
      ['--target', String(pid), '--net', 'ip', '-batch', '-'],
      `addr add ${ip}/${subnet.prefix} dev eth0\nlink set eth0 up\nroute add default via ${subnet.gateway}\n`,
    );
  }

  /** Frees the sandbox's address and files; its veth pair went with its namespace. */
  release(ip: string, owner: string): void {
    this.claims.release(ip, owner);
    removePodEtcFiles(this.filesDirOf(owner));
  }

  /**
   * Pods reach beyond the node through NAT, and each other across the bridge
   * even where Docker set the FORWARD policy to DROP. Without these rules pods
   * still reach the node and each other on a host without bridge filtering,
   * so a failure is a warning.
   */
  private async allowForwarding(): Promise<void> {
    const { bridge, subnet } = this;
    const rules: [string, string, string[]][] = [
      ['nat', 'POSTROUTING', ['-s', subnet.cidr, '!', '-o', bridge, '-j', 'MASQUERADE']],
      ['filter', 'FORWARD', ['-i', bridge, '-j', 'ACCEPT']],
      ['filter', 'FORWARD', ['-o', bridge, '-j', 'ACCEPT']],
    ];
    try {
      writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
      for (const [table, chain, rule] of rules) {
        const present = await this.run('iptables', ['-w', '-t', table, '-C', chain, ...rule]).then(
          () => true,
          () => false,
        );
        if (!present) await this.run('iptables', ['-w', '-t', table, '-I', chain, ...rule]);
      }
    } catch (error) {
      this.options.warn?.('pods on the edge bridge may not reach beyond the node', {
        bridge,
        error: (error as Error).message,
      });
    }
  }
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
