/**
 * Process entry: `edgecore --config PATH [--node-name N] [--data-dir D] [--log-level L]`.
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 a module failed, 2 bad config or flags.
 */
import { createLogger, loadConfig, parseCommandLine } from './config';
import { ConfigError } from './errors';
import { runApp } from './app';

/** SIGINT/SIGTERM must end the process within 10 s; past this, exit anyway. */
const SHUTDOWN_LIMIT_MS = 9_000;

function fatal(msg: string, error: unknown): void {
  const fields =
    error instanceof Error
      ? {
          error: error.message,
          code: (error as { code?: string }).code,
          field: (error as { context?: { field?: unknown } }).context?.field,
        }
      : { error: String(error) };
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg, ...fields })}\n`);
}

async function main(): Promise<number> {
  let config;
  try {
    const cli = parseCommandLine(process.argv.slice(2));
    if (!cli) return 0;
    config = loadConfig(cli.configPath, cli.overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      fatal('bad configuration', error);
      return 2;
    }
    throw error;
  }
  const log = createLogger(config.logLevel, { component: 'edgecore', node: config.nodeName });
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log.info('stopping', { signal: sig });
      stop.abort();
      setTimeout(() => {
        log.error('shutdown took too long; exiting', { limitMs: SHUTDOWN_LIMIT_MS });
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
    });
  }
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception; exiting', { error });
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    log.error('unhandled rejection; exiting', { error });
    process.exit(1);
  });
  try {
    await runApp(config, log, stop.signal);
    return 0;
  } catch (error) {
    log.error('edgecore failed', { error });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    fatal('edgecore crashed', error);
    process.exit(1);
  },
);
