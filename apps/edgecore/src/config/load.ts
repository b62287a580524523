import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { FieldReader } from './fields';
import { parseSubnet } from '../runtime/pod-network/ipv4-subnet';
import { BRIDGE_NAME } from '../runtime/pod-network/pod-bridge';
import {
  DEFAULTS,
  KNOWN_KEYS,
  LOG_LEVELS,
  POD_NETWORK_MODES,
  RUNTIME_TYPES,
  type EdgecoreConfig,
  type LogLevel,
} from './schema';

/** Values given on the command line; they win over the file. */
export interface ConfigOverrides {
  nodeName?: string;
  dataDir?: string;
  logLevel?: string;
}

// DNS-1123 subdomain, as Kubernetes requires of Node names.
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Path the cloud serves the edge channel on. */
export const CONNECT_PATH = '/v1/connect';

/**
 * Reads, validates and resolves the config file. Throws ConfigError naming
 * the field and the fix for every bad value, and for cert files that are
 * not there.
 */
export function loadConfig(configPath: string, overrides: ConfigOverrides = {}): EdgecoreConfig {
  const file = resolve(configPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      `config file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); pass --config with the file \`kedge join\` wrote (<dataDir>/edgecore.yaml)`,
      { field: '--config', file },
      { cause },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(
      `config file ${file} is not valid YAML: ${(cause as Error).message}; fix the syntax at the line shown`,
      { field: '', file },
      { cause },
    );
  }
  return resolveConfig(doc ?? {}, file, overrides);
}

/** Validates an already parsed document; `file` names it in errors and anchors relative paths. */
export function resolveConfig(doc: unknown, file: string, overrides: ConfigOverrides = {}): EdgecoreConfig {
  const baseDir = dirname(file);
  const read = new FieldReader(file, baseDir);
  const root = read.section(doc, '(top level)');
  read.knownKeys(root, '', KNOWN_KEYS[''] ?? []);
  const cloud = read.section(root.cloud, 'cloud');
  const runtime = read.section(root.runtime, 'runtime');
  const node = read.section(root.node, 'node');
  const mqtt = read.section(root.mqtt, 'mqtt');
  const health = read.section(root.health, 'health');
  for (const [name, section] of Object.entries({ cloud, runtime, node, mqtt, health })) {
    read.knownKeys(section, name, KNOWN_KEYS[name] ?? []);
  }

  const nodeName = overrides.nodeName ?? read.string(root.nodeName, 'nodeName', hostname().toLowerCase());
  if (nodeName.length > 253 || !NODE_NAME.test(nodeName)) {
    read.fail(
      'nodeName',
      `"${nodeName}" is not a DNS-1123 subdomain`,
      'use lower-case letters, digits, "-" and "." (e.g. gantry-17)',
    );
  }
  const dataDir =
    overrides.dataDir !== undefined
      ? isAbsolute(overrides.dataDir)
        ? overrides.dataDir
        : resolve(overrides.dataDir)
      : read.path(root.dataDir, 'dataDir', DEFAULTS.dataDir);
  const logLevel = read.oneOf<LogLevel>(
    overrides.logLevel ?? root.logLevel,
    overrides.logLevel ? '--log-level' : 'logLevel',
    LOG_LEVELS,
    DEFAULTS.logLevel,
  );

  return {
    nodeName,
    dataDir,
    logLevel,
    cloud: {
      url: cloudUrl(read, read.string(cloud.url, 'cloud.url')),
      caFile: read.readableFile(cloud.caFile, 'cloud.caFile', DEFAULTS.cloud.caFile),
      certFile: read.readableFile(cloud.certFile, 'cloud.certFile', DEFAULTS.cloud.certFile),
      keyFile: read.readableFile(cloud.keyFile, 'cloud.keyFile', DEFAULTS.cloud.keyFile),
      proxy: proxyUrl(read, read.string(cloud.proxy, 'cloud.proxy', DEFAULTS.cloud.proxy)),
    },
    runtime: {
      type: read.oneOf(runtime.type, 'runtime.type', RUNTIME_TYPES, DEFAULTS.runtime.type),
      dockerSocket: read.path(runtime.dockerSocket, 'runtime.dockerSocket', DEFAULTS.runtime.dockerSocket),
      podNetwork: read.oneOf(runtime.podNetwork, 'runtime.podNetwork', POD_NETWORK_MODES, DEFAULTS.runtime.podNetwork),
      bridge: bridgeName(read, read.string(runtime.bridge, 'runtime.bridge', DEFAULTS.runtime.bridge)),
      podSubnet: podSubnet(read, read.string(runtime.podSubnet, 'runtime.podSubnet', DEFAULTS.runtime.podSubnet)),
    },
    labels: read.stringMap(root.labels, 'labels'),
    node: { maxPods: read.integer(node.maxPods, 'node.maxPods', DEFAULTS.node.maxPods, 1, 10_000) },
    mqtt: {
      enabled: read.boolean(mqtt.enabled, 'mqtt.enabled', DEFAULTS.mqtt.enabled),
      host: read.string(mqtt.host, 'mqtt.host', DEFAULTS.mqtt.host),
      port: read.integer(mqtt.port, 'mqtt.port', DEFAULTS.mqtt.port, 0, 65535),
    },
    health: { listen: read.hostPort(health.listen, 'health.listen', DEFAULTS.health.listen) },
  };
}

function bridgeName(read: FieldReader, text: string): string {
  if (!BRIDGE_NAME.test(text))
    read.fail('runtime.bridge', `is "${text}", not a Linux interface name`, 'use 1 to 15 letters, digits, _ . or -');
  return text;
}

function podSubnet(read: FieldReader, text: string): string {
  try {
    parseSubnet(text, 'runtime.podSubnet');
  } catch {
    read.fail('runtime.podSubnet', `is "${text}", not an IPv4 subnet from /8 to /28`, 'write e.g. 10.88.0.0/16');
  }
  return text;
}

function cloudUrl(read: FieldReader, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return read.fail('cloud.url', `"${text}" is not a URL`, 'write e.g. wss://cloud.example.com:10000');
  }
  if (url.protocol !== 'wss:') {
    read.fail(
      'cloud.url',
      `uses scheme "${url.protocol.replace(/:$/, '')}"`,
      'the channel is TLS only: use wss://host:port',
    );
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = CONNECT_PATH;
  return url.toString();
}

function proxyUrl(read: FieldReader, text: string): string {
  if (text === '') return '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return read.fail(
      'cloud.proxy',
      `"${text}" is not a URL`,
      'write e.g. http://proxy.example.com:3128, or "" for none',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    read.fail(
      'cloud.proxy',
      `uses scheme "${url.protocol.replace(/:$/, '')}"`,
      'an HTTP CONNECT proxy is http:// or https://',
    );
  }
  return text;
}
