import type { Logger } from '../config';
import type { StoredObject } from '../metastore';
import type { EdgeObject, HandlerRegistry, RemovedObject } from './handlers/registry';
import type { HubStats } from './stats';

/**
 * Hands stored objects to their handlers one at a time, in event order,
 * across reconnects. A handler error is logged and counted: the object is
 * stored and acked already, and the pod or twin reports its own failure.
 */
export class Delivery {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly handlers: HandlerRegistry,
    private readonly log: Logger,
    private readonly stats: HubStats,
  ) {}

  upsert(obj: EdgeObject): void {
    const handler = this.handlers.forKind(obj.kind);
    if (handler) this.enqueue(handler.name, 'upsert', obj, () => handler.upsert(obj));
  }

  remove(obj: RemovedObject | StoredObject): void {
    const handler = this.handlers.forKind(obj.kind);
    const removed: RemovedObject = { kind: obj.kind, namespace: obj.namespace, name: obj.name, uid: obj.uid };
    if (handler) this.enqueue(handler.name, 'remove', removed, () => handler.remove(removed));
  }

  /** Resolves once everything handed in so far was delivered. */
  idle(): Promise<void> {
    return this.tail;
  }

  private enqueue(handler: string, action: string, obj: RemovedObject, call: () => void | Promise<void>): void {
    this.tail = this.tail.then(call).catch((error: unknown) => {
      this.stats.handlerErrors++;
      this.log.error('object handler failed', {
        handler,
        action,
        kind: obj.kind,
        namespace: obj.namespace,
        name: obj.name,
        uid: obj.uid,
        error,
      });
    });
  }
}
