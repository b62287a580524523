/** An object the cloud bound to this node, as stored: identity plus the parsed JSON body. */
export interface EdgeObject {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  body: Record<string, unknown>;
}

/** What is left of an object once it is gone: enough to find what ran it. */
export type RemovedObject = Pick<EdgeObject, 'kind' | 'namespace' | 'name' | 'uid'>;

/**
 * Receives object events of the kinds it names, after the object is stored
 * (upsert) or removed from the store (remove). Calls come in event order.
 */
export interface ObjectHandler {
  readonly name: string;
  readonly kinds: readonly string[];
  upsert(obj: EdgeObject): void | Promise<void>;
  remove(obj: RemovedObject): void | Promise<void>;
}

/** Handlers by kind; one handler file per message group (pods, configs, devices). */
export class HandlerRegistry {
  private readonly byKind = new Map<string, ObjectHandler>();

  register(handler: ObjectHandler): this {
    for (const kind of handler.kinds) {
      const taken = this.byKind.get(kind);
      if (taken) throw new Error(`kind ${kind} already has handler ${taken.name}; ${handler.name} cannot take it too`);
      this.byKind.set(kind, handler);
    }
    return this;
  }

  /** undefined for kinds nobody handles: they are still stored and acked. */
  forKind(kind: string): ObjectHandler | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }
}
