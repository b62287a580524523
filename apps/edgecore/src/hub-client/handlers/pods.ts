import type { EdgeObject, ObjectHandler, RemovedObject } from './registry';

/** What the pods handler drives: the PodManager's entry points for cloud events. */
export interface PodTarget {
  upsertPod(pod: Record<string, unknown>): void | Promise<void>;
  removePod(uid: string): void | Promise<void>;
}

/** Pod events → the pod manager. */
export function podsHandler(target: PodTarget): ObjectHandler {
  return {
    name: 'pods',
    kinds: ['Pod'],
    upsert: (obj: EdgeObject) => target.upsertPod(obj.body),
    remove: (obj: RemovedObject) => target.removePod(obj.uid),
  };
}
