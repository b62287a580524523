// The edgecore.yaml that `kedge join` writes (format fixed by the channel
// contract; paths are relative to the file's directory).
import { stringify } from 'yaml';

export type RuntimeType = 'docker' | 'simulated';
export type PodNetworkMode = 'bridge' | 'docker';

export interface EdgecoreConfigInput {
  nodeName: string;
  /** wss://HOST:PORT of cloudcore. */
  cloudUrl: string;
  runtime: RuntimeType;
  labels: Record<string, string>;
  /** Docker socket path; default /var/run/docker.sock. */
  dockerSocket?: string;
  /** Pods on edgecore's own bridge, or on Docker's network; default bridge. */
  podNetwork?: PodNetworkMode;
  /** Loopback MQTT port of the embedded broker; default 1883. */
  mqttPort?: number;
  /** host:port of /healthz and /metrics; default 127.0.0.1:10350. */
  healthListen?: string;
}

export const EDGECORE_CONFIG_FILE = 'edgecore.yaml';

export function renderEdgecoreConfig(input: EdgecoreConfigInput): string {
  const config = {
    nodeName: input.nodeName,
    dataDir: '.',
    cloud: { url: input.cloudUrl, caFile: 'ca.crt', certFile: 'node.crt', keyFile: 'node.key', proxy: '' },
    runtime:
      input.runtime === 'docker'
        ? {
            type: 'docker',
            dockerSocket: input.dockerSocket ?? '/var/run/docker.sock',
            podNetwork: input.podNetwork ?? 'bridge',
          }
        : { type: 'simulated' },
    labels: input.labels,
    mqtt: { enabled: true, host: '127.0.0.1', port: input.mqttPort ?? 1883 },
    health: { listen: input.healthListen ?? '127.0.0.1:10350' },
  };
  return `# Written by \`kedge join\`. Paths are relative to this file's directory.\n${stringify(config)}`;
}
