// startKubeLite: the API server plus the built-in controllers.
import { defaultControllers } from './controllers';
import type { ControllerApi } from './controllers/api';
import type { KubeLiteOptions } from './options';
import { withDefaults } from './options';
import { startApiServer } from './server/start';

const CONTROLLER_STOP_WAIT_MS = 5_000;

export interface KubeLite {
  /** https://host:port of the API server. */
  url: string;
  /** `<dataDir>/kubeconfig.yaml`: CA data and the admin token. */
  kubeconfigPath: string;
  /** The admin bearer token. */
  token: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** In-process access to the store, as controllers use it. */
  api: ControllerApi;
  /**
   * Settles when kube-lite stops: with undefined after stop(), or with the
   * error of a controller that failed (kube-lite then stops by itself).
   */
  closed: Promise<Error | undefined>;
  stop(): Promise<void>;
}

export async function startKubeLite(options: KubeLiteOptions): Promise<KubeLite> {
  const resolved = withDefaults(options);
  const { log } = resolved;
  const server = await startApiServer(resolved);
  const abort = new AbortController();
  let settle: (error: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((resolve) => (settle = resolve));
  let stopping: Promise<void> | undefined;
  const runs: Promise<unknown>[] = [];
  const stop = (error?: Error): Promise<void> => {
    stopping ??= (async () => {
      abort.abort();
      // Controllers get a moment to finish their current write before the store closes.
      await Promise.race([
        Promise.allSettled(runs),
        new Promise((r) => setTimeout(r, CONTROLLER_STOP_WAIT_MS).unref()),
      ]);
      await server.close();
      settle(error);
    })();
    return stopping;
  };

  if (resolved.controllers) {
    const controllerOptions =
      resolved.nodeMonitorGracePeriodMs !== undefined
        ? { nodeMonitorGracePeriodMs: resolved.nodeMonitorGracePeriodMs }
        : {};
    for (const controller of defaultControllers(controllerOptions)) {
      // A synchronous throw counts as a failure too, not as a failed start of the server.
      const run = Promise.resolve().then(() => controller.start(server.api, abort.signal));
      runs.push(run);
      run.catch((cause: unknown) => {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        if (abort.signal.aborted) {
          log('debug', 'controller ended with an error while stopping', {
            controller: controller.name,
            error: error.message,
          });
          return;
        }
        log('error', 'controller failed; stopping kube-lite', {
          controller: controller.name,
          error: error.stack ?? error.message,
        });
        void stop(new Error(`controller ${controller.name} failed: ${error.message}`, { cause: error }));
      });
    }
  }

  return {
    url: server.url,
    kubeconfigPath: server.kubeconfigPath,
    token: server.token,
    caPem: server.caPem,
    api: server.api,
    closed,
    stop: () => stop(),
  };
}
