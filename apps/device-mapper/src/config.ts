import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { MapperConfigError } from './errors';

/** Settings of the Modbus mapper process: YAML file, flags over it, defaults. */
export interface MapperConfig {
  /** Default mqtt://127.0.0.1:1883 (edgecore's embedded bus). */
  broker: string;
  nodeName: string;
  username?: string;
  password?: string;
  /** Default 3000 ms. */
  operationTimeoutMs: number;
  /** Default 1000 ms. */
  defaultCollectCycleMs: number;
  /** Default 10 000 ms. */
  defaultReportCycleMs: number;
  logLevel: 'info' | 'debug';
}

const FILE_KEYS = [
  'broker',
  'nodeName',
  'username',
  'password',
  'operationTimeoutMs',
  'defaultCollectCycleMs',
  'defaultReportCycleMs',
  'logLevel',
] as const;

function positiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} takes a positive whole number of milliseconds, got "${raw}"`);
    return n;
  };
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new MapperConfigError(
      `--config ${path}: cannot read the file (${(cause as Error).message})`,
      { path },
      { cause },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new MapperConfigError(`--config ${path}: not valid YAML (${(cause as Error).message})`, { path }, { cause });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new MapperConfigError(`--config ${path}: must be a YAML mapping of ${FILE_KEYS.join(', ')}`, { path });
  const unknown = Object.keys(doc).filter((k) => !(FILE_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new MapperConfigError(
      `--config ${path}: unknown key(s) ${unknown.join(', ')}; allowed: ${FILE_KEYS.join(', ')}`,
      { path, unknown },
    );
  return doc as Record<string, unknown>;
}

function fromFile<T>(
  doc: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
  expected: string,
): T | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (!check(value))
    throw new MapperConfigError(`config key ${key}: expected ${expected}, got ${JSON.stringify(value)}`, { key });
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isLevel = (v: unknown): v is 'info' | 'debug' => v === 'info' || v === 'debug';

/** Parses argv (without node and script); throws MapperConfigError naming the flag or key. */
export function parseArgs(argv: readonly string[]): MapperConfig {
  const program = new Command('kedge-modbus-mapper')
    .description('Kedge reference Modbus TCP mapper')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .option('--broker <url>', 'edgecore MQTT bus URL (default mqtt://127.0.0.1:1883)')
    .option('--node-name <name>', 'edge node whose devices this mapper serves')
    .option('--config <file>', 'YAML file with broker, nodeName, username, password, ...')
    .option('--username <user>', 'MQTT username')
    .option('--password <password>', 'MQTT password (or set KEDGE_MQTT_PASSWORD)')
    .option('--operation-timeout-ms <ms>', 'longest wait for one Modbus request', positiveInt('--operation-timeout-ms'))
    .option('--log-level <level>', 'info or debug');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
    )
      throw error;
    throw new MapperConfigError(
      `${(error as Error).message.replace(/^error: /, '')} (see --help)`,
      {},
      { cause: error },
    );
  }
  const flags = program.opts<{
    broker?: string;
    nodeName?: string;
    config?: string;
    username?: string;
    password?: string;
    operationTimeoutMs?: number;
    logLevel?: string;
  }>();
  const doc = flags.config ? readFile(flags.config) : {};
  const nodeName = flags.nodeName ?? fromFile(doc, 'nodeName', isString, 'a node name');
  if (!nodeName)
    throw new MapperConfigError(
      '--node-name is required (or nodeName in --config): the edge node whose devices to serve',
      {},
    );
  const logLevel = flags.logLevel ?? fromFile(doc, 'logLevel', isLevel, 'info or debug') ?? 'info';
  if (!isLevel(logLevel)) throw new MapperConfigError(`--log-level "${logLevel}" must be info or debug`, {});
  const password = flags.password ?? process.env.KEDGE_MQTT_PASSWORD ?? fromFile(doc, 'password', isString, 'a string');
  const username = flags.username ?? fromFile(doc, 'username', isString, 'a string');
  return {
    broker: flags.broker ?? fromFile(doc, 'broker', isString, 'an mqtt:// URL') ?? 'mqtt://127.0.0.1:1883',
    nodeName,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    operationTimeoutMs:
      flags.operationTimeoutMs ??
      fromFile(doc, 'operationTimeoutMs', isPositiveInt, 'a positive integer (ms)') ??
      3_000,
    defaultCollectCycleMs: fromFile(doc, 'defaultCollectCycleMs', isPositiveInt, 'a positive integer (ms)') ?? 1_000,
    defaultReportCycleMs: fromFile(doc, 'defaultReportCycleMs', isPositiveInt, 'a positive integer (ms)') ?? 10_000,
    logLevel,
  };
}
