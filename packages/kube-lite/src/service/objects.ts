// Create, update and status writes: the semantics both the REST handlers
// and the in-process ControllerApi go through.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import type { Registry } from '../registry/registry';
import type { ResourceDef } from '../registry/types';
import { apiVersionOf, resourceKeyOf } from '../registry/types';
import type { Store, Stored } from '../store/store';
import { arr, rec } from '../tables/format';
import { applyDefaults } from '../validation/defaults';
import { validateObject } from '../validation/validate';
import { nowTimestamp, randomSuffix, sameJson, specOf } from './meta';

/** A Service keeps its cluster IP, and node ports an update leaves out, as upstream. */
function keepServiceAllocations(next: KubeObject, old: KubeObject): void {
  const spec = rec(next.spec);
  next.spec = spec;
  spec.clusterIP = rec(old.spec).clusterIP;
  spec.clusterIPs = rec(old.spec).clusterIPs;
  const oldPorts = arr(rec(old.spec).ports).map(rec);
  for (const p of arr(spec.ports).map(rec)) {
    const before = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (!p.nodePort && before?.nodePort) p.nodePort = before.nodePort;
  }
}

/** Workloads and custom resources count spec changes in metadata.generation, as upstream. */
const tracksGeneration = (def: ResourceDef): boolean =>
  def.group === 'apps' || def.fromCrd !== undefined || def.resource === 'customresourcedefinitions';

export interface WriteOptions {
  dryRun?: boolean;
}

export class ObjectService {
  constructor(
    readonly store: Store,
    readonly registry: Registry,
  ) {}

  getStored(def: ResourceDef, namespace: string | undefined, name: string): Stored {
    const stored = this.store.get(resourceKeyOf(def), def.namespaced ? (namespace ?? '') : '', name);
    if (!stored) throw apiErrors.notFound(def.group, def.resource, name);
    return stored;
  }

  /** A private, mutable copy of the stored object. */
  getCopy(def: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    return JSON.parse(this.getStored(def, namespace, name).json) as KubeObject;
  }

  private checkBody(def: ResourceDef, body: unknown, namespace: string | undefined): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw apiErrors.badRequest(`the body of the request must be a ${def.kind} object`);
    const o = body as KubeObject;
    const apiVersion = apiVersionOf(def);
    if (o.apiVersion === undefined) o.apiVersion = apiVersion;
    if (o.kind === undefined) o.kind = def.kind;
    if (o.apiVersion !== apiVersion)
      throw apiErrors.badRequest(
        `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    if (o.kind !== def.kind)
      throw apiErrors.badRequest(
        `the kind in the data (${String(o.kind)}) does not match the expected kind (${def.kind}) for ${def.resource}`,
      );
    if (!o.metadata || typeof o.metadata !== 'object') o.metadata = { name: '' };
    if (def.namespaced) {
      if (o.metadata.namespace && namespace && o.metadata.namespace !== namespace) {
        throw apiErrors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      const ns = namespace ?? o.metadata.namespace;
      if (ns) o.metadata.namespace = ns;
    } else {
      delete o.metadata.namespace;
    }
    return o;
  }

  private invalidIfAny(def: ResourceDef, o: KubeObject): void {
    const causes = validateObject(def, o);
    if (causes.length)
      throw apiErrors.invalid(def.group, def.kind, o.metadata.name || String(o.metadata.generateName ?? ''), causes);
  }

  private services = (): KubeObject[] => this.store.list('services').map((s) => s.object);

  private checkNamespace(def: ResourceDef, ns: string | undefined, name: string): void {
    if (!def.namespaced || !ns) return;
    const namespace = this.store.get('namespaces', '', ns);
    if (!namespace) throw apiErrors.notFound('', 'namespaces', ns);
    if (namespace.object.metadata.deletionTimestamp) {
      throw apiErrors.forbidden(
        `${def.resource} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  create(def: ResourceDef, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const o = this.checkBody(def, body, namespace);
    const m = o.metadata;
    if (!m.name && typeof m.generateName === 'string' && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
    this.checkNamespace(def, m.namespace, m.name);
    if (def.namespaced && !m.namespace) m.namespace = 'default';
    for (const field of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
      'managedFields',
    ] as const)
      delete m[field];
    m.uid = randomUUID();
    m.creationTimestamp = nowTimestamp();
    if (tracksGeneration(def)) m.generation = 1;
    else delete m.generation;
    // Status is written through its subresource; nodes register with theirs, as kubelets do.
    if (def.subresources.includes('status') && !(def.resource === 'nodes' && !def.group)) delete o.status;
    applyDefaults(def, o, true, { services: this.services });
    this.invalidIfAny(def, o);
    if (this.store.get(resourceKeyOf(def), m.namespace ?? '', m.name))
      throw apiErrors.alreadyExists(def.group, def.resource, m.name);
    if (def.fromCrd) o.apiVersion = `${def.group}/${def.storageVersion}`;
    if (options.dryRun) return o;
    return this.store.write(resourceKeyOf(def), 'ADDED', o).object;
  }

  /**
   * PUT semantics. `subresource: 'status'` writes only status; a main
   * update keeps the stored status when the resource has a status subresource.
   */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): KubeObject {
    const o = this.checkBody(def, body, namespace);
    if (o.metadata.name && o.metadata.name !== name)
      throw apiErrors.badRequest(
        `the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`,
      );
    o.metadata.name = name;
    const existing = this.getStored(def, namespace, name);
    const old = existing.object;
    const rv = o.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) {
      throw apiErrors.conflict(
        def.group,
        def.resource,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = JSON.parse(existing.json) as KubeObject;
      if (o.status === undefined) delete next.status;
      else next.status = o.status;
    } else {
      next = o;
      const m = next.metadata as Record<string, unknown>;
      for (const field of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
      ]) {
        if (old.metadata[field] === undefined) delete m[field];
        else m[field] = old.metadata[field];
      }
      if (def.namespaced) m.namespace = old.metadata.namespace;
      delete m.managedFields;
      if (def.subresources.includes('status')) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      if (def.resource === 'services' && !def.group) keepServiceAllocations(next, old);
      applyDefaults(def, next, false, { services: this.services });
      this.invalidIfAny(def, next);
      if (tracksGeneration(def) && specOf(next) !== specOf(old))
        next.metadata.generation = (old.metadata.generation ?? 1) + 1;
    }
    if (def.fromCrd) next.apiVersion = old.apiVersion;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    // A no-op write keeps the resourceVersion, as upstream does.
    if (sameJson(next, old)) return old;
    if (options.dryRun) return next;
    if (this.finalized(def, next)) return this.remove(def, next);
    return this.store.write(resourceKeyOf(def), 'MODIFIED', next).object;
  }

  /** True when a deleting object has nothing left holding it. */
  finalized(def: ResourceDef, o: KubeObject): boolean {
    const m = o.metadata;
    if (!m.deletionTimestamp || arr(m.finalizers).length) return false;
    if (def.resource === 'namespaces' && !def.group && arr(rec(o.spec).finalizers).length) return false;
    const graceLeft = (m.deletionGracePeriodSeconds ?? 0) > 0 && Date.parse(m.deletionTimestamp) > Date.now();
    return !graceLeft;
  }

  /** Removes an object for good: the DELETED event carries its last state. */
  remove(def: ResourceDef, o: KubeObject): KubeObject {
    return this.store.write(resourceKeyOf(def), 'DELETED', o).object;
  }
}
