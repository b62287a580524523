// The in-process API that controllers and the scheduler use to read and
// write objects. The server implements it directly on its store, so
// controllers pay no HTTP or JSON cost, yet see exactly what clients see:
// the same validation, defaulting, resourceVersions and watch events.

/** A Kubernetes object as stored: plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  generateName?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Names a resource the way the REST path does: group "" is the core group. */
export interface ResourceRef {
  group: string;
  version: string;
  /** Plural lower-case name, e.g. "pods", "deployments". */
  resource: string;
}

export interface ListOptions {
  namespace?: string;
  /** Kubernetes label selector syntax, e.g. "app=web,tier in (a,b)". */
  labelSelector?: string;
  /** Kubernetes field selector syntax, e.g. "spec.nodeName=edge-1". */
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface DeleteOptions {
  /** Seconds; 0 removes a bound pod at once. Undefined means the object's default. */
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Only delete when the stored uid matches. */
  uid?: string;
}

/**
 * Every method throws the server's ApiError (a Kubernetes Status with
 * reason and code) on failure: NotFound, AlreadyExists, Conflict, Invalid.
 */
export interface ControllerApi {
  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  list(ref: ResourceRef, options?: ListOptions): { items: KubeObject[]; resourceVersion: string };
  create(ref: ResourceRef, object: KubeObject): KubeObject;
  /** Optimistic: fails with Conflict when metadata.resourceVersion is stale. */
  update(ref: ResourceRef, object: KubeObject): KubeObject;
  /** Writes only .status (the status subresource); same concurrency rule. */
  updateStatus(ref: ResourceRef, object: KubeObject): KubeObject;
  delete(ref: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): void;
  /**
   * Delivers every event after `resourceVersion` ("0"/undefined: from now on),
   * in order, once the write is persisted (the same tick or the next one):
   * a caller that just wrote may not have seen its own event yet, while
   * get and list already return the write. Returns an unsubscribe function.
   */
  watch(
    ref: ResourceRef,
    listener: (event: WatchEvent) => void,
    options?: ListOptions & { resourceVersion?: string },
  ): () => void;
  /** Records a core/v1 Event about `object`, as kubectl describe shows it. */
  recordEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** A controller runs until the signal aborts; a thrown error stops kube-lite loudly. */
export interface Controller {
  readonly name: string;
  start(api: ControllerApi, signal: AbortSignal): Promise<void>;
}
