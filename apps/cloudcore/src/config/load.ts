/** Reads the YAML file, lays flags over it and checks every value against FIELDS. */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../errors';
import { FIELDS, defaultConfig, type CloudcoreConfig, type ConfigKey, type FieldSpec, type HostPort } from './fields';

/** Raw values by key, from YAML (any JSON type) or flags (strings). */
export type RawConfig = Partial<Record<ConfigKey, unknown>>;

const KEYS = Object.keys(FIELDS) as ConfigKey[];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?$/;

/** Where a value came from, for error messages: `field "x" in FILE` or `flag --x`. */
type Origin = (key: ConfigKey) => string;

export async function readConfigFile(path: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      'config',
      `cannot read config file ${path}: ${errorMessage(err)}; pass an existing file to --config`,
      {
        code: 'CONFIG_FILE',
        cause: err,
      },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError('config', `config file ${path} is not valid YAML: ${errorMessage(err)}`, {
      code: 'CONFIG_FILE',
      cause: err,
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(
      'config',
      `config file ${path} must be a YAML mapping of settings (e.g. "listen: 0.0.0.0:10000")`,
      {
        code: 'CONFIG_FILE',
      },
    );
  }
  for (const key of Object.keys(doc)) {
    if (!(key in FIELDS)) {
      throw new ConfigError(key, `unknown field "${key}" in ${path}; valid fields: ${KEYS.join(', ')}`);
    }
  }
  return doc as RawConfig;
}

/** Builds the config: defaults, then `file` values, then `flags` values (flags win). */
export function buildConfig(file: RawConfig, flags: RawConfig, fileName = 'config file'): CloudcoreConfig {
  const config: Record<string, unknown> = { ...defaultConfig() };
  const apply = (raw: RawConfig, origin: Origin) => {
    for (const key of KEYS) {
      if (raw[key] !== undefined) config[key] = parseField(key, FIELDS[key], raw[key], origin);
    }
  };
  apply(file, (key) => `field "${key}" in ${fileName}`);
  apply(flags, (key) => `flag ${FIELDS[key].flag.split(' ')[0]}`);
  const result = config as unknown as CloudcoreConfig;
  if (result.leaseRenewIntervalMs >= result.leaseDurationSeconds * 1000) {
    throw new ConfigError(
      'leaseRenewIntervalMs',
      `leaseRenewIntervalMs (${result.leaseRenewIntervalMs}) must be shorter than leaseDurationSeconds (${result.leaseDurationSeconds} s), ` +
        'or the Lease lapses between renewals; lower leaseRenewIntervalMs or raise leaseDurationSeconds',
    );
  }
  return result;
}

function parseField(key: ConfigKey, spec: FieldSpec, value: unknown, origin: Origin): unknown {
  const fail = (why: string): never => {
    throw new ConfigError(key, `${origin(key)} ${why}`);
  };
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return fail(`must be a string, got ${JSON.stringify(value)}`);
      if (key === 'namespace' && !DNS_LABEL.test(value))
        return fail(`"${value}" is not a valid namespace name (lower-case DNS label, e.g. kedge-system)`);
      if (key === 'serverId' && value.trim() === '')
        return fail('must not be empty; give this replica a name, e.g. cloudcore-0');
      return value;
    }
    case 'hostport':
      return parseHostPort(value, fail);
    case 'list': {
      const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
      if (!Array.isArray(items) || items.length === 0)
        return fail('must be a non-empty list of IPs or DNS names, e.g. 10.0.0.5,cloud.example.com');
      for (const item of items) {
        if (typeof item !== 'string' || (isIP(item) === 0 && !HOST_NAME.test(item))) {
          return fail(`has "${String(item)}", which is neither an IP address nor a DNS name`);
        }
      }
      return items as string[];
    }
    case 'int': {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n))
        return fail(`must be a whole number, got ${JSON.stringify(value)}`);
      if (spec.min !== undefined && n < spec.min) return fail(`is ${n}; the smallest allowed value is ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) return fail(`is ${n}; the largest allowed value is ${spec.max}`);
      return n;
    }
    case 'enum':
      if (typeof value !== 'string' || !spec.values?.includes(value)) {
        return fail(`is ${JSON.stringify(value)}; use one of ${spec.values?.join(', ')}`);
      }
      return value;
  }
}

function parseHostPort(value: unknown, fail: (why: string) => never): HostPort {
  if (typeof value !== 'string') return fail(`must be a "host:port" string, got ${JSON.stringify(value)}`);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return fail(`"${value}" is not host:port; write e.g. 0.0.0.0:10000 or [::]:10000`);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65535) return fail(`has port ${port}; ports go up to 65535`);
  if (isIP(host) === 0 && !HOST_NAME.test(host))
    return fail(`has host "${host}", which is neither an IP address nor a host name`);
  return { host, port };
}
