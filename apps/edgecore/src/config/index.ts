/**
 * Configuration and logging of edgecore.
 *
 * @example
 * const cli = parseCommandLine(process.argv.slice(2));
 * if (cli) {
 *   const config = loadConfig(cli.configPath, cli.overrides); // throws ConfigError naming field + fix
 *   const log = createLogger(config.logLevel);
 * }
 */
export { loadConfig, resolveConfig, CONNECT_PATH, type ConfigOverrides } from './load';
export { parseCommandLine, DEFAULT_CONFIG_PATH, type CommandLine } from './flags';
export { createLogger, silentLogger, type Logger, type LogFields } from './logger';
export {
  DEFAULTS,
  LOG_LEVELS,
  RUNTIME_TYPES,
  type EdgecoreConfig,
  type HostPort,
  type LogLevel,
  type RuntimeType,
} from './schema';
