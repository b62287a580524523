// Adoption, as Kubernetes controllers do it: an object in the owner's
// namespace with no controlling owner, matching the owner's selector,
// becomes the owner's (e.g. pods left behind by `kubectl delete
// --cascade=orphan` when the ReplicaSet is created again).
import type { ControllerApi, KubeObject } from '../api';
import type { Informer } from './informer';
import type { LabelSelector } from '../util/labels';
import { selectorMatches } from '../util/labels';
import { clone, controllerRef, field, isDeleting, ownerRefTo } from '../util/objects';

export const ORPHAN_INDEX = 'orphanLabels';

const bucket = (namespace: string | undefined, key: string, value: string): string =>
  `${namespace ?? ''}/${key}=${value}`;

/**
 * Index function: objects without a controlling owner, under each of their
 * labels, so an owner looks only at orphans that carry its selector's labels
 * (a namespace full of bare pods costs it nothing).
 */
export const orphanLabels = (object: KubeObject): string[] =>
  controllerRef(object) || isDeleting(object)
    ? []
    : Object.entries(object.metadata.labels ?? {}).map(([k, v]) => bucket(object.metadata.namespace, k, v));

/** Orphans that may match: those with the selector's first label, or with a value its first In expression names. */
function candidates(informer: Informer, namespace: string | undefined, selector: LabelSelector): KubeObject[] {
  const [label] = Object.entries(selector.matchLabels ?? {});
  if (label) return informer.byIndex(ORPHAN_INDEX, bucket(namespace, label[0], label[1]));
  const inExpr = (selector.matchExpressions ?? []).find((e) => e.operator === 'In');
  return (inExpr?.values ?? []).flatMap((v) => informer.byIndex(ORPHAN_INDEX, bucket(namespace, inExpr!.key, v)));
}

/** Adopts matching orphans; returns how many. The informer must carry ORPHAN_INDEX. */
export function adoptOrphans(
  api: ControllerApi,
  informer: Informer,
  owner: KubeObject,
  accept: (object: KubeObject) => boolean = () => true,
): number {
  if (isDeleting(owner) || !owner.metadata.uid) return 0;
  const selector = field<LabelSelector>(owner, 'spec', 'selector');
  if (!selector) return 0;
  let adopted = 0;
  for (const orphan of candidates(informer, owner.metadata.namespace, selector)) {
    if (!selectorMatches(selector, orphan.metadata.labels) || !accept(orphan)) continue;
    const updated = clone(orphan);
    updated.metadata.ownerReferences = [...(orphan.metadata.ownerReferences ?? []), ownerRefTo(owner)];
    informer.observe(api.update(informer.ref, updated));
    adopted++;
  }
  return adopted;
}
