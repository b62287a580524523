/**
 * cloudcore configuration: a YAML file whose keys are the camelCase of the
 * flags, flags laid over it, and defaults that work.
 *
 *   const config = await loadConfig(process.argv.slice(2));
 *   config.listen // { host: '0.0.0.0', port: 10000 }
 */
import { parseFlags } from './flags';
import { buildConfig, readConfigFile } from './load';
import type { CloudcoreConfig } from './fields';

export { FIELDS, defaultConfig } from './fields';
export type { CloudcoreConfig, HostPort, FieldSpec } from './fields';
export { buildConfig, readConfigFile } from './load';
export type { RawConfig } from './load';
export { parseFlags } from './flags';

/** Flags, then the file named by --config, checked; throws ConfigError naming the field and the fix. */
export async function loadConfig(argv: readonly string[]): Promise<CloudcoreConfig> {
  const flags = parseFlags(argv);
  const file = flags.configFile === undefined ? {} : await readConfigFile(flags.configFile);
  return buildConfig(file, flags.values, flags.configFile);
}
