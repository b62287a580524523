// The controllers kube-lite runs beside its API server.
//
//   import { defaultControllers } from './controllers';
//   for (const c of defaultControllers({ nodeMonitorGracePeriodMs: 40_000 })) void c.start(api, signal);
//
// Each one reads through shared watch-fed caches and writes through the
// in-process ControllerApi, so kubectl sees exactly what they do.
import type { Controller } from './api';
import { daemonSetController } from './daemonset/controller';
import { deploymentController } from './deployment/controller';
import { garbageCollector } from './gc/controller';
import { namespaceController } from './namespace/controller';
import { nodeLifecycleController } from './nodelifecycle/controller';
import type { ControllerOptions } from './options';
import { withDefaults } from './options';
import { replicaSetController } from './replicaset/controller';
import { scheduler } from './scheduler/scheduler';

export type { Controller, ControllerApi } from './api';
export type { ControllerOptions } from './options';
export { InvalidIntOrPercentError, InvalidQuantityError } from './errors';

/** Deployment, ReplicaSet, DaemonSet, garbage collector, namespace, scheduler and node lifecycle. */
export function defaultControllers(options?: ControllerOptions): Controller[] {
  const resolved = withDefaults(options);
  return [
    deploymentController(),
    replicaSetController(),
    daemonSetController(),
    garbageCollector(),
    namespaceController(),
    scheduler(),
    nodeLifecycleController(resolved),
  ];
}
