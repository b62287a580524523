import { readFileSync, statfsSync } from 'node:fs';
import * as os from 'node:os';

/** The Kubernetes NodeStatus fields the edge knows; the cloud writes them to nodes/status. */
export interface NodeStatusBody {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  addresses: { type: 'InternalIP' | 'Hostname'; address: string }[];
  nodeInfo: {
    architecture: string;
    operatingSystem: string;
    kernelVersion: string;
    osImage: string;
    containerRuntimeVersion: string;
    kubeletVersion: string;
    kubeProxyVersion: string;
    machineID: string;
    systemUUID: string;
    bootID: string;
  };
  conditions: {
    type: string;
    status: 'True' | 'False' | 'Unknown';
    reason: string;
    message: string;
    lastHeartbeatTime: string;
    lastTransitionTime: string;
  }[];
}

/** Where node facts come from; the defaults read this host, tests pass their own. */
export interface HostFacts {
  cpuCount: () => number;
  memoryBytes: () => number;
  arch: () => string;
  platform: () => string;
  kernel: () => string;
  hostname: () => string;
  interfaces: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  readFile: (path: string) => string | undefined;
  /** Bytes of the filesystem holding `path`, undefined when unknown. */
  diskBytes: (path: string) => number | undefined;
}

const tryRead = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const hostFacts: HostFacts = {
  cpuCount: () => os.availableParallelism(),
  memoryBytes: () => os.totalmem(),
  arch: () => process.arch,
  platform: () => process.platform,
  kernel: () => os.release(),
  hostname: () => os.hostname(),
  interfaces: () => os.networkInterfaces(),
  readFile: tryRead,
  diskBytes: (path) => {
    try {
      const fs = statfsSync(path);
      return fs.bsize * fs.blocks;
    } catch {
      return undefined;
    }
  },
};

// Node's process.arch → the GOARCH names Kubernetes uses in kubernetes.io/arch.
const ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function kubernetesArch(nodeArch: string): string {
  return ARCH[nodeArch] ?? nodeArch;
}

/** PRETTY_NAME from os-release, e.g. "Ubuntu 22.04.4 LTS". */
export function osImage(facts: HostFacts): string {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = facts.readFile(path);
    const match = text ? /^PRETTY_NAME=(?:"([^"]*)"|'([^']*)'|(.*))$/m.exec(text) : null;
    if (match) return (match[1] ?? match[2] ?? match[3] ?? '').trim();
  }
  return `${facts.platform()} ${facts.kernel()}`;
}

// Bridges and veths of container engines are not how the cloud reaches the node.
const VIRTUAL = /^(docker|veth|br-|cni|flannel|cali|virbr|kube-)/;

/** The first non-internal IPv4 of a physical-looking interface (any non-internal IPv4 if none). */
export function internalIp(facts: HostFacts): string | undefined {
  const candidates = Object.entries(facts.interfaces()).flatMap(([name, addrs]) =>
    (addrs ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => ({ name, address: a.address })),
  );
  return (candidates.find((c) => !VIRTUAL.test(c.name)) ?? candidates[0])?.address;
}

export interface NodeStatusInputs {
  maxPods: number;
  /** e.g. docker://20.10.24. */
  runtimeVersion: string;
  agentVersion: string;
  dataDir: string;
  /** When edgecore started: the Ready condition's transition time. */
  readySince: Date;
  now: Date;
}

/** Builds the node's status from the host's facts. */
export function buildNodeStatus(inputs: NodeStatusInputs, facts: HostFacts = hostFacts): NodeStatusBody {
  const capacity: Record<string, string> = {
    cpu: String(facts.cpuCount()),
    memory: `${Math.floor(facts.memoryBytes() / 1024)}Ki`,
    pods: String(inputs.maxPods),
  };
  const disk = facts.diskBytes(inputs.dataDir);
  if (disk !== undefined) capacity['ephemeral-storage'] = `${Math.floor(disk / 1024)}Ki`;
  const ip = internalIp(facts);
  const hostname = facts.hostname();
  return {
    capacity,
    allocatable: { ...capacity },
    addresses: [...(ip ? [{ type: 'InternalIP' as const, address: ip }] : []), { type: 'Hostname', address: hostname }],
    nodeInfo: {
      architecture: kubernetesArch(facts.arch()),
      operatingSystem: facts.platform(),
      kernelVersion: facts.kernel(),
      osImage: osImage(facts),
      containerRuntimeVersion: inputs.runtimeVersion,
      kubeletVersion: `kedge/v${inputs.agentVersion}`,
      kubeProxyVersion: '',
      machineID: (facts.readFile('/etc/machine-id') ?? '').trim(),
      systemUUID: '',
      bootID: (facts.readFile('/proc/sys/kernel/random/boot_id') ?? '').trim(),
    },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'EdgecoreReady',
        message: 'edgecore is running',
        lastHeartbeatTime: inputs.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        lastTransitionTime: inputs.readySince.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    ],
  };
}

/** The status without heartbeat times: equal fingerprints mean nothing worth sending changed. */
export function fingerprint(status: NodeStatusBody): string {
  return JSON.stringify({ ...status, conditions: status.conditions.map(({ lastHeartbeatTime: _, ...rest }) => rest) });
}
