// Which pods a ReplicaSet creates and which it deletes first.
import type { KubeObject } from '../api';
import { clone, creationMs, field, ownerRefTo } from '../util/objects';
import { isPodReady, podNodeName, podPhase } from '../util/pods';

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** A new pod for `owner` from its pod template; the server completes the generated name. */
export function podFromTemplate(owner: KubeObject, template: PodTemplate | undefined): KubeObject {
  const metadata: KubeObject['metadata'] = {
    name: '',
    generateName: `${owner.metadata.name}-`,
    namespace: owner.metadata.namespace,
    labels: { ...template?.metadata?.labels },
    ownerReferences: [ownerRefTo(owner)],
  };
  if (template?.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: clone(template?.spec ?? {}) };
}

export const templateOf = (owner: KubeObject): PodTemplate | undefined => field<PodTemplate>(owner, 'spec', 'template');

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Orders pods so the cheapest to lose come first: unscheduled before
 * scheduled, pending before running, not ready before ready, newest first.
 */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const assignedA = podNodeName(a) ? 1 : 0;
  const assignedB = podNodeName(b) ? 1 : 0;
  if (assignedA !== assignedB) return assignedA - assignedB;
  const phaseA = PHASE_RANK[podPhase(a)] ?? 1;
  const phaseB = PHASE_RANK[podPhase(b)] ?? 1;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a) ? 1 : 0;
  const readyB = isPodReady(b) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  return creationMs(b) - creationMs(a);
}
