// The skeleton every Kedge controller shares: acquire the shared informers,
// subscribe handlers that only enqueue, run the work queue until the signal
// aborts, then unsubscribe.
import type { Controller, ControllerApi, KubeObject } from '../api';
import { SharedInformers } from './informer';
import type { SyncFn, WorkQueueOptions } from './queue';
import { WorkQueue } from './queue';

export interface ControllerSetup {
  sync: SyncFn;
  /** Unsubscribe functions of the informer handlers; called when the controller stops. */
  subscriptions: Array<() => void>;
  /** Keys to process once at start (usually every object already cached). */
  initialKeys: Iterable<string>;
  /** Extra work to stop with the controller (timers). */
  onStop?: () => void;
}

export type SetupFn = (api: ControllerApi, informers: SharedInformers, queue: QueueHandle) => ControllerSetup;

/** What setup code may do with the queue before it exists. */
export interface QueueHandle {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  addCoalesced(key: string, minDelayMs?: number): void;
}

/**
 * The handler for events on a controller's own objects: a new object, a new
 * generation (spec) or a deletion syncs at once; any other change, above all
 * the status the controller itself just wrote, is coalesced. Syncing at once
 * on its own status writes kept a 10,000-node DaemonSet syncing back to back
 * while its pods changed, past the coalescing its pod events get.
 */
export function enqueueOnOwnChange(queue: QueueHandle, key: (object: KubeObject) => string) {
  return (type: string, object: KubeObject, old: KubeObject | undefined): void => {
    const specOrLife =
      type !== 'MODIFIED' ||
      !old ||
      old.metadata.generation !== object.metadata.generation ||
      old.metadata.deletionTimestamp !== object.metadata.deletionTimestamp;
    if (specOrLife) queue.add(key(object));
    else queue.addCoalesced(key(object));
  };
}

export function defineController(name: string, setup: SetupFn, queueOptions: WorkQueueOptions = {}): Controller {
  return {
    name,
    async start(api: ControllerApi, signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      const informers = SharedInformers.acquire(api);
      try {
        let sync: SyncFn = () => undefined;
        const queue = new WorkQueue((key) => sync(key), queueOptions);
        const built = setup(api, informers, queue);
        sync = built.sync;
        for (const key of built.initialKeys) queue.add(key);
        try {
          await queue.run(signal);
        } finally {
          for (const unsubscribe of built.subscriptions) unsubscribe();
          built.onStop?.();
        }
      } finally {
        informers.release();
      }
    },
  };
}
