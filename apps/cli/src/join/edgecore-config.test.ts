import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderEdgecoreConfig } from './edgecore-config';

describe('renderEdgecoreConfig', () => {
  it('writes the contract format with relative paths', () => {
    const text = renderEdgecoreConfig({
      nodeName: 'edge-1',
      cloudUrl: 'wss://127.0.0.1:10000',
      runtime: 'docker',
      labels: { 'kedge.io/group': 'a' },
    });
    expect(parse(text)).toEqual({
      nodeName: 'edge-1',
      dataDir: '.',
      cloud: { url: 'wss://127.0.0.1:10000', caFile: 'ca.crt', certFile: 'node.crt', keyFile: 'node.key', proxy: '' },
      runtime: { type: 'docker', dockerSocket: '/var/run/docker.sock', podNetwork: 'bridge' },
      labels: { 'kedge.io/group': 'a' },
      mqtt: { enabled: true, host: '127.0.0.1', port: 1883 },
      health: { listen: '127.0.0.1:10350' },
    });
  });
  it("writes Docker's network for pods when asked", () => {
    const config = parse(
      renderEdgecoreConfig({
        nodeName: 'n',
        cloudUrl: 'wss://h:1',
        runtime: 'docker',
        labels: {},
        podNetwork: 'docker',
      }),
    );
    expect(config.runtime.podNetwork).toBe('docker');
  });
  it('writes simulated runtime and custom ports', () => {
    const config = parse(
      renderEdgecoreConfig({
        nodeName: 'n',
        cloudUrl: 'wss://h:1',
        runtime: 'simulated',
        labels: {},
        mqttPort: 1884,
        healthListen: '127.0.0.1:10362',
      }),
    );
    expect(config.runtime).toEqual({ type: 'simulated' });
    expect(config.mqtt.port).toBe(1884);
    expect(config.health.listen).toBe('127.0.0.1:10362');
  });
});
