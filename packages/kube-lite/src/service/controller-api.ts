// ControllerApi on the store, in process: same validation, defaulting,
// resourceVersions and events as REST clients get, without HTTP or JSON
// round trips. Objects handed out are private copies.
import type {
  ControllerApi,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ResourceRef,
  WatchEvent,
} from '../controllers/api';
import type { Registry } from '../registry/registry';
import { resourceKeyOf } from '../registry/types';
import type { Deleter } from './deletion';
import { bindPod } from './binding';
import { listObjects } from './list';
import { nowTimestamp, randomSuffix } from './meta';
import type { ObjectService } from './objects';
import { startWatch } from './watch';

const copy = <T>(o: T): T => structuredClone(o);
const eventsRef: ResourceRef = { group: '', version: 'v1', resource: 'events' };

export class InProcessApi implements ControllerApi {
  /** involved uid + reason + message → event name, to count repeats as kubectl describe shows them. */
  private readonly recentEvents = new Map<string, string>();

  constructor(
    private readonly registry: Registry,
    private readonly objects: ObjectService,
    private readonly deleter: Deleter,
  ) {}

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = this.registry.require(ref);
    const stored = this.objects.store.get(resourceKeyOf(def), def.namespaced ? (namespace ?? '') : '', name);
    return stored ? (JSON.parse(stored.json) as KubeObject) : undefined;
  }

  list(ref: ResourceRef, options: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const def = this.registry.require(ref);
    const result = listObjects(this.objects.store, def, options);
    return {
      items: result.items.map((s) => JSON.parse(s.json) as KubeObject),
      resourceVersion: result.resourceVersion,
    };
  }

  /** Also takes `pods/binding` (a Binding named after its pod), as a scheduler posts it. */
  create(ref: ResourceRef, object: KubeObject): KubeObject {
    if (ref.resource === 'pods/binding') {
      bindPod(
        this.objects,
        this.registry.require({ ...ref, resource: 'pods' }),
        object.metadata.namespace,
        object.metadata.name,
        object,
      );
      return copy(object);
    }
    return copy(this.objects.create(this.registry.require(ref), object.metadata.namespace, copy(object)));
  }

  update(ref: ResourceRef, object: KubeObject): KubeObject {
    return copy(
      this.objects.update(this.registry.require(ref), object.metadata.namespace, object.metadata.name, copy(object)),
    );
  }

  updateStatus(ref: ResourceRef, object: KubeObject): KubeObject {
    return copy(
      this.objects.update(this.registry.require(ref), object.metadata.namespace, object.metadata.name, copy(object), {
        subresource: 'status',
      }),
    );
  }

  delete(ref: ResourceRef, namespace: string | undefined, name: string, options: DeleteOptions = {}): void {
    this.deleter.delete(this.registry.require(ref), namespace, name, options);
  }

  watch(
    ref: ResourceRef,
    listener: (event: WatchEvent) => void,
    options: ListOptions & { resourceVersion?: string } = {},
  ): () => void {
    // The contract: without a resourceVersion, events from now on (no initial ADDED).
    return startWatch(
      this.objects.store,
      this.registry.require(ref),
      options,
      (d) => listener({ type: d.type, object: d.source ? (JSON.parse(d.source.json) as KubeObject) : copy(d.object) }),
      false,
    );
  }

  recordEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid ?? object.metadata.name}|${type}|${reason}|${message}`;
    const now = nowTimestamp();
    const known = this.recentEvents.get(key);
    const existing = known ? this.get(eventsRef, namespace, known) : undefined;
    if (existing) {
      existing.count = Number(existing.count ?? 1) + 1;
      existing.lastTimestamp = now;
      this.update(eventsRef, existing);
      return;
    }
    const name = `${object.metadata.name}.${Date.now().toString(16)}${randomSuffix(3)}`;
    this.create(eventsRef, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kube-lite' },
      reportingComponent: 'kube-lite',
      reportingInstance: 'kube-lite',
    });
    if (this.recentEvents.size > 4096) this.recentEvents.clear();
    this.recentEvents.set(key, name);
  }
}
