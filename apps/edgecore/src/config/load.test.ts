import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { loadConfig, parseCommandLine } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-config-'));
  for (const name of ['ca.crt', 'node.crt', 'node.key']) writeFileSync(join(dir, name), 'PEM');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BASE = 'nodeName: edge-1\ncloud:\n  url: wss://127.0.0.1:10000\n';
function write(text: string): string {
  const file = join(dir, 'edgecore.yaml');
  writeFileSync(file, text);
  return file;
}
function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills defaults and resolves paths against the file directory', () => {
    const config = loadConfig(write(BASE));
    expect(config).toMatchObject({
      nodeName: 'edge-1',
      dataDir: dir,
      logLevel: 'info',
      cloud: {
        url: 'wss://127.0.0.1:10000/v1/connect',
        caFile: join(dir, 'ca.crt'),
        certFile: join(dir, 'node.crt'),
        proxy: '',
      },
      runtime: {
        type: 'docker',
        dockerSocket: '/var/run/docker.sock',
        podNetwork: 'bridge',
        bridge: 'kedge0',
        podSubnet: '10.88.0.0/16',
      },
      node: { maxPods: 110 },
      mqtt: { enabled: true, host: '127.0.0.1', port: 1883 },
      health: { listen: { host: '127.0.0.1', port: 10350 } },
      labels: {},
    });
  });

  it('lets flags win over the file', () => {
    const config = loadConfig(write(`${BASE}logLevel: warn\n`), {
      nodeName: 'edge-9',
      dataDir: '/var/lib/kedge',
      logLevel: 'debug',
    });
    expect(config).toMatchObject({ nodeName: 'edge-9', dataDir: '/var/lib/kedge', logLevel: 'debug' });
  });

  it('reads every section', () => {
    const config = loadConfig(
      write(
        `${BASE}  proxy: http://proxy:3128\nruntime: { type: simulated, podNetwork: docker, bridge: br9, podSubnet: 10.9.0.0/24 }\nlabels: { zone: a }\nnode: { maxPods: 20 }\nmqtt: { enabled: false, port: 1884 }\nhealth: { listen: "[::1]:9000" }\n`,
      ),
    );
    expect(config.cloud.proxy).toBe('http://proxy:3128');
    expect(config.runtime).toMatchObject({
      type: 'simulated',
      podNetwork: 'docker',
      bridge: 'br9',
      podSubnet: '10.9.0.0/24',
    });
    expect(config.labels).toEqual({ zone: 'a' });
    expect(config.node.maxPods).toBe(20);
    expect(config.mqtt).toMatchObject({ enabled: false, port: 1884 });
    expect(config.health.listen).toEqual({ host: '::1', port: 9000 });
  });

  it.each([
    ['a missing file', () => loadConfig(join(dir, 'nope.yaml')), '--config', /cannot be read.*kedge join/],
    ['bad YAML', () => loadConfig(write('nodeName: [edge\n')), '', /not valid YAML/],
    [
      'a bad URL scheme',
      () => loadConfig(write('nodeName: edge-1\ncloud: { url: "https://x:1" }\n')),
      'cloud.url',
      /wss:\/\//,
    ],
    ['a missing URL', () => loadConfig(write('nodeName: edge-1\n')), 'cloud.url', /is missing/],
    [
      'a missing cert file',
      () => loadConfig(write(`${BASE}  certFile: gone.crt\n`)),
      'cloud.certFile',
      /gone\.crt.*kedge join/,
    ],
    ['a bad port', () => loadConfig(write(`${BASE}mqtt: { port: 70000 }\n`)), 'mqtt.port', /0 to 65535/],
    [
      'a bad listen address',
      () => loadConfig(write(`${BASE}health: { listen: "localhost" }\n`)),
      'health.listen',
      /host:port/,
    ],
    [
      'an unknown runtime type',
      () => loadConfig(write(`${BASE}runtime: { type: containerd }\n`)),
      'runtime.type',
      /docker, simulated/,
    ],
    [
      'an unknown pod network',
      () => loadConfig(write(`${BASE}runtime: { podNetwork: flannel }\n`)),
      'runtime.podNetwork',
      /bridge, docker/,
    ],
    [
      'a pod subnet that is not one',
      () => loadConfig(write(`${BASE}runtime: { podSubnet: 10.88.0.0/31 }\n`)),
      'runtime.podSubnet',
      /not an IPv4 subnet from \/8 to \/28.*10\.88\.0\.0\/16/,
    ],
    [
      'a bridge name Linux refuses',
      () => loadConfig(write(`${BASE}runtime: { bridge: kedge-bridge-zero }\n`)),
      'runtime.bridge',
      /not a Linux interface name/,
    ],
    ['a bad node name', () => loadConfig(write(BASE.replace('edge-1', 'Edge_1'))), 'nodeName', /DNS-1123/],
    ['an unknown key', () => loadConfig(write(`${BASE}  urll: x\n`)), 'cloud.urll', /not a known setting/],
    ['a bad proxy', () => loadConfig(write(`${BASE}  proxy: socks5://p:1\n`)), 'cloud.proxy', /http:\/\//],
    [
      'a bad log level flag',
      () => loadConfig(write(BASE), { logLevel: 'loud' }),
      '--log-level',
      /debug, info, warn, error/,
    ],
    ['a section that is not a mapping', () => loadConfig(write(`${BASE}mqtt: 5\n`)), 'mqtt', /mapping/],
  ])('rejects %s naming the field and the fix', (_name, run, field, message) => {
    const err = failure(run);
    expect(err.code).toBe('EDGE_CONFIG_INVALID');
    expect(err.context.field).toBe(field);
    expect(err.message).toMatch(message);
  });
});

describe('parseCommandLine', () => {
  it('reads flags', () => {
    expect(parseCommandLine(['--config', '/etc/kedge.yaml', '--node-name', 'n1', '--log-level', 'debug'])).toEqual({
      configPath: '/etc/kedge.yaml',
      overrides: { nodeName: 'n1', logLevel: 'debug' },
    });
  });
  it('rejects an unknown flag with a ConfigError', () => {
    const err = failure(() => parseCommandLine(['--nodename', 'x'], () => {}));
    expect(err.message).toMatch(/unknown option '--nodename'.*--help/i);
  });
  it('returns undefined after --help', () => {
    let out = '';
    expect(parseCommandLine(['--help'], (t) => (out += t))).toBeUndefined();
    expect(out).toMatch(/--config/);
  });
});
