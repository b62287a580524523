/**
 * cloudcore as a list of modules, started together. Each runs until the
 * shared signal aborts; the first one to fail stops the others, and run()
 * rejects with a ModuleError naming it.
 *
 *   const ctx = createContext(config, kube, log);
 *   const stop = new AbortController();
 *   await runModules(ctx, CLOUDCORE_MODULES, stop.signal);
 */
import { admissionModule } from './admission';
import { authModule } from './auth';
import type { CloudContext, CloudModule } from './context';
import { devicesModule } from './devices';
import { edgeSyncModule } from './edge-sync';
import { ModuleError } from './errors';
import { hubModule } from './hub';
import { metricsModule } from './metrics';
import { nodesModule } from './nodes';
import { statusModule } from './status';

export const CLOUDCORE_MODULES: readonly CloudModule[] = [
  metricsModule,
  authModule,
  edgeSyncModule,
  nodesModule,
  statusModule,
  devicesModule,
  admissionModule,
  hubModule,
];

export async function runModules(
  ctx: CloudContext,
  modules: readonly CloudModule[],
  signal: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal.addEventListener('abort', forward, { once: true });
  if (signal.aborted) stop.abort();
  let failure: ModuleError | undefined;
  await Promise.all(
    modules.map(async (module) => {
      try {
        await module.start(ctx, stop.signal);
        if (!stop.signal.aborted) throw new Error('start() returned before cloudcore was asked to stop');
      } catch (err) {
        if (!failure) failure = new ModuleError(module.name, { cause: err });
        ctx.log.error('module failed; stopping cloudcore', { module: module.name, error: failure.message });
        stop.abort();
      }
    }),
  );
  signal.removeEventListener('abort', forward);
  if (failure) throw failure;
}
