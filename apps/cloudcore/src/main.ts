/**
 * cloudcore entry point: `cloudcore [--config FILE] [--kubeconfig PATH]
 * [--listen HOST:PORT] [--health-listen HOST:PORT] [--advertise-address A,B]
 * [--namespace NS] ...` (all flags: `--help`, docs/cloudcore.md).
 * Exits 0 after SIGINT/SIGTERM, 1 when a module fails, 2 on bad configuration.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { CommanderError } from 'commander';
import { CLOUDCORE_MODULES, runModules } from './app';
import { loadConfig, type CloudcoreConfig } from './config';
import { createContext } from './context';
import { ConfigError, errorMessage } from './errors';
import { loadKubeConfig } from './kubeconfig';
import { createLogger } from './log';

const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  const bootLog = createLogger();
  let config: CloudcoreConfig;
  let kube: KubeConfig;
  try {
    config = await loadConfig(process.argv.slice(2));
    kube = loadKubeConfig(config);
  } catch (err) {
    if (err instanceof CommanderError) return 0; // --help was printed
    const field = err instanceof ConfigError ? err.field : undefined;
    bootLog.error('invalid configuration', { error: errorMessage(err), field, code: (err as { code?: string }).code });
    return 2;
  }
  const log = createLogger({ level: config.logLevel });
  const ctx = createContext(config, kube, log);
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log.info('stopping', { signal: sig });
      stop.abort();
      setTimeout(() => {
        log.error('modules did not stop in time; exiting', { timeoutMs: STOP_TIMEOUT_MS });
        process.exit(1);
      }, STOP_TIMEOUT_MS).unref();
    });
  }
  log.info('starting cloudcore', {
    listen: config.listen,
    namespace: config.namespace,
    serverId: config.serverId,
    modules: CLOUDCORE_MODULES.map((m) => m.name),
  });
  try {
    await runModules(ctx, CLOUDCORE_MODULES, stop.signal);
    log.info('stopped');
    return 0;
  } catch (err) {
    log.error('cloudcore failed', { error: errorMessage(err), code: (err as { code?: string }).code });
    return 1;
  }
}

// Exit explicitly: a stopped watch may leave sockets that would keep the process alive.
process.exit(await main());
