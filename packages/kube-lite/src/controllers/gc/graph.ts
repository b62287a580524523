// The ownership graph the garbage collector walks: every watched object by
// uid, and every owner uid to the objects that name it.
import type { KubeObject, OwnerReference } from '../api';
import type { Informer } from '../runtime/informer';
import { keyOf } from '../util/objects';

/** A watched object: which informer holds it, under which key. */
export interface Node {
  informer: Informer;
  key: string;
}

export const nodeId = (n: Node): string => `${n.informer.ref.group}/${n.informer.ref.resource}|${n.key}`;

export class OwnerGraph {
  readonly #byUid = new Map<string, Node>();
  readonly #dependents = new Map<string, Map<string, Node>>();

  has(uid: string): boolean {
    return this.#byUid.has(uid);
  }

  get(uid: string): Node | undefined {
    return this.#byUid.get(uid);
  }

  dependentsOf(uid: string): Node[] {
    return [...(this.#dependents.get(uid)?.values() ?? [])];
  }

  add(informer: Informer, object: KubeObject): void {
    const node: Node = { informer, key: keyOf(object) };
    if (object.metadata.uid) this.#byUid.set(object.metadata.uid, node);
    for (const ref of object.metadata.ownerReferences ?? []) {
      let deps = this.#dependents.get(ref.uid);
      if (!deps) this.#dependents.set(ref.uid, (deps = new Map()));
      deps.set(nodeId(node), node);
    }
  }

  remove(informer: Informer, object: KubeObject): void {
    const node: Node = { informer, key: keyOf(object) };
    const uid = object.metadata.uid;
    if (uid && this.#byUid.get(uid)?.key === node.key) this.#byUid.delete(uid);
    for (const ref of object.metadata.ownerReferences ?? []) {
      const deps = this.#dependents.get(ref.uid);
      deps?.delete(nodeId(node));
      if (deps?.size === 0) this.#dependents.delete(ref.uid);
    }
  }
}

export const sameRefs = (a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean =>
  (a ?? []).map((r) => r.uid).join(',') === (b ?? []).map((r) => r.uid).join(',');
