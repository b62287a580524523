/** Command-line flags: `--config FILE` plus one flag per config field (flags win over the file). */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors';
import { FIELDS, type ConfigKey } from './fields';
import type { RawConfig } from './load';

export interface ParsedFlags {
  /** --config FILE, undefined when not given. */
  readonly configFile: string | undefined;
  /** Flag values as strings, keyed like the YAML fields. */
  readonly values: RawConfig;
}

/** Parses argv (without node and script). Unknown flags and missing values throw ConfigError. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const program = new Command('cloudcore')
    .description('Kedge cloud hub: serves edge nodes over TLS WebSockets beside a Kubernetes API server')
    .option('--config <file>', 'YAML config file; flags override its fields')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false);
  for (const [key, spec] of Object.entries(FIELDS)) {
    program.option(spec.flag, `${spec.description} (YAML: ${key})`);
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version'))
      throw err;
    const message = err instanceof Error ? err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ') : String(err);
    throw new ConfigError('flags', `${message}; run cloudcore --help for the list of flags`, { cause: err });
  }
  const opts = program.opts<Record<string, string | undefined>>();
  const values: RawConfig = {};
  for (const key of Object.keys(FIELDS) as ConfigKey[]) {
    if (opts[key] !== undefined) values[key] = opts[key];
  }
  return { configFile: opts['config'], values };
}
