/**
 * edgecore: the whole agent on one screen. Modules start together and hand
 * each other services (see modules/context.ts); each runs until the agent
 * stops. One module failing stops them all and the process exits non-zero.
 */
import type { EdgecoreConfig, Logger } from './config';
import { ModuleFailedError } from './errors';
import { Services, StoppedBeforeReadyError, type AppContext, type Module } from './modules/context';
import { devicesModule } from './modules/devices';
import { healthModule } from './modules/health';
import { hubModule } from './modules/hub';
import { metastoreModule } from './modules/metastore';
import { nodeModule } from './modules/node';
import { podsModule } from './modules/pods';

export type { AppContext, Module, ServiceMap } from './modules/context';

export const MODULES: readonly Module[] = [
  metastoreModule, // SQLite: objects from the cloud, status outbox
  podsModule, // container runtime + pod manager, rebuilt from the store
  devicesModule, // MQTT broker + device twins
  hubModule, // cloud channel: objects in, statuses out, certificate renewal
  nodeModule, // node status: capacity, addresses, nodeInfo
  healthModule, // /healthz, /metrics
];

/**
 * Runs the modules until `signal` aborts (resolves) or one fails (rejects
 * with ModuleFailedError naming it). The store closes after every module
 * has stopped.
 */
export async function runApp(
  config: EdgecoreConfig,
  log: Logger,
  signal: AbortSignal,
  modules: readonly Module[] = MODULES,
): Promise<void> {
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal.addEventListener('abort', forward, { once: true });
  if (signal.aborted) stop.abort();
  const ctx: AppContext = { config, log, services: new Services(stop.signal) };
  let failure: ModuleFailedError | undefined;

  const fail = (name: string, error: unknown) => {
    log.error('module failed; stopping edgecore', { module: name, error });
    failure ??= new ModuleFailedError(
      `module ${name} failed: ${(error as Error)?.message ?? String(error)}`,
      { module: name },
      { cause: error },
    );
    stop.abort();
  };
  log.info('edgecore starting', { node: config.nodeName, modules: modules.map((m) => m.name) });
  await Promise.all(
    modules.map(async (module) => {
      try {
        await module.start(ctx, stop.signal);
        if (!stop.signal.aborted) fail(module.name, new Error('returned while edgecore was running'));
      } catch (error) {
        if (!(error instanceof StoppedBeforeReadyError)) fail(module.name, error);
      }
    }),
  );
  signal.removeEventListener('abort', forward);
  ctx.services.peek('metastore')?.close();
  if (failure) throw failure;
  log.info('edgecore stopped');
}
