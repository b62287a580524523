// Timers that remove bound pods whose deletion grace period ran out
// without their node confirming. Restored from the store on start.
import type { KubeObject } from '../controllers/api';
import type { ResourceDef } from '../registry/types';

export class GraceTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly expire: (def: ResourceDef, namespace: string, name: string, uid: string) => void) {}

  schedule(def: ResourceDef, pod: KubeObject, atMs: number): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.expire(def, pod.metadata.namespace ?? '', pod.metadata.name, pod.metadata.uid ?? '');
      },
      Math.max(0, atMs - Date.now()) + 50,
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
