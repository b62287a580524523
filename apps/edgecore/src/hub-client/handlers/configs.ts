import type { EdgeObject, ObjectHandler, RemovedObject } from './registry';

/** Told when a ConfigMap or Secret a pod may mount or read changed; it reads the new data itself. */
export interface ConfigTarget {
  configChanged(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): void | Promise<void>;
}

/** ConfigMap and Secret events → the pod manager, which refreshes volumes of pods that use them. */
export function configsHandler(target: ConfigTarget): ObjectHandler {
  const changed = (obj: EdgeObject | RemovedObject) =>
    target.configChanged(obj.kind as 'ConfigMap' | 'Secret', obj.namespace, obj.name);
  return { name: 'configs', kinds: ['ConfigMap', 'Secret'], upsert: changed, remove: changed };
}
