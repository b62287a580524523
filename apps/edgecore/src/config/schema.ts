/**
 * edgecore's configuration: the YAML file `kedge join` writes to
 * `<dataDir>/edgecore.yaml`, flags over it, defaults that work. Relative
 * paths in the file are relative to the file's directory.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type RuntimeType = 'docker' | 'simulated';
export const RUNTIME_TYPES: readonly RuntimeType[] = ['docker', 'simulated'];

export type PodNetworkMode = 'bridge' | 'docker';
export const POD_NETWORK_MODES: readonly PodNetworkMode[] = ['bridge', 'docker'];

export interface HostPort {
  host: string;
  port: number;
}

/** The fully resolved configuration; every path is absolute. */
export interface EdgecoreConfig {
  /** Kubernetes Node name; must match the certificate's CN. Default: the host name, lower-cased. */
  nodeName: string;
  /** SQLite state and pod volumes. Default: the config file's directory. */
  dataDir: string;
  /** Default `info`. */
  logLevel: LogLevel;
  cloud: {
    /** cloudcore's address, `wss://host:port`; the path `/v1/connect` is added when absent. */
    url: string;
    /** Kedge CA (PEM). Default `ca.crt`. */
    caFile: string;
    /** Node client certificate (PEM), renewed in place. Default `node.crt`. */
    certFile: string;
    /** Node private key (PEM). Default `node.key`. */
    keyFile: string;
    /** HTTP CONNECT proxy URL; '' uses HTTPS_PROXY / NO_PROXY from the environment. Default ''. */
    proxy: string;
  };
  runtime: {
    /** `docker` runs real containers; `simulated` keeps them in memory (hollow nodes). Default `docker`. */
    type: RuntimeType;
    /** Default `/var/run/docker.sock`. */
    dockerSocket: string;
    /**
     * `bridge`: edgecore puts pods on its own Linux bridge (falls back to
     * `docker` when the host does not allow it); `docker`: each sandbox joins
     * Docker's `bridge` network. Pods with a hostPort always use Docker's. Default `bridge`.
     */
    podNetwork: PodNetworkMode;
    /** The pod bridge's interface name. Default `kedge0`. */
    bridge: string;
    /** Pod addresses on the bridge; the bridge takes the first. Default `10.88.0.0/16`. */
    podSubnet: string;
  };
  /** Extra labels for the Node object. Default none. */
  labels: Record<string, string>;
  node: {
    /** Pod capacity reported to the scheduler. Default 110 (the kubelet's). */
    maxPods: number;
  };
  mqtt: {
    /** Embedded MQTT broker for device mappers. Default true. */
    enabled: boolean;
    /** Default `127.0.0.1` (loopback only). */
    host: string;
    /** Default 1883; 0 picks a free port (tests). */
    port: number;
  };
  health: {
    /** `/healthz` and `/metrics`. Default `127.0.0.1:10350`. */
    listen: HostPort;
  };
}

export const DEFAULTS = Object.freeze({
  dataDir: '.',
  logLevel: 'info' as LogLevel,
  cloud: { caFile: 'ca.crt', certFile: 'node.crt', keyFile: 'node.key', proxy: '' },
  runtime: {
    type: 'docker' as RuntimeType,
    dockerSocket: '/var/run/docker.sock',
    podNetwork: 'bridge' as PodNetworkMode,
    bridge: 'kedge0',
    podSubnet: '10.88.0.0/16',
  },
  node: { maxPods: 110 },
  mqtt: { enabled: true, host: '127.0.0.1', port: 1883 },
  health: { listen: '127.0.0.1:10350' },
});

/** Keys the file may hold, per section; anything else is a typo the loader reports. */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '': ['nodeName', 'dataDir', 'logLevel', 'cloud', 'runtime', 'labels', 'node', 'mqtt', 'health'],
  cloud: ['url', 'caFile', 'certFile', 'keyFile', 'proxy'],
  runtime: ['type', 'dockerSocket', 'podNetwork', 'bridge', 'podSubnet'],
  node: ['maxPods'],
  mqtt: ['enabled', 'host', 'port'],
  health: ['listen'],
});
