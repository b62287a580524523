import type { ContainerKind, ContainerLabels } from './types';

// Label keys written on every container Kedge creates. They are the only
// memory that survives an edgecore restart: adoption reads them back.
export const LABEL = {
  nodeName: 'io.kedge.node.name',
  podUid: 'io.kedge.pod.uid',
  podName: 'io.kedge.pod.name',
  podNamespace: 'io.kedge.pod.namespace',
  containerName: 'io.kedge.container.name',
  kind: 'io.kedge.container.kind',
  restartCount: 'io.kedge.container.restart-count',
  specHash: 'io.kedge.container.hash',
  /** On sandboxes addressed by edgecore's own bridge (not Docker's network). */
  podIp: 'io.kedge.pod.ip',
} as const;

const kinds: readonly ContainerKind[] = ['sandbox', 'init', 'app'];

export function toLabelMap(labels: ContainerLabels): Record<string, string> {
  return {
    [LABEL.nodeName]: labels.nodeName,
    [LABEL.podUid]: labels.podUid,
    [LABEL.podName]: labels.podName,
    [LABEL.podNamespace]: labels.podNamespace,
    [LABEL.containerName]: labels.containerName,
    [LABEL.kind]: labels.kind,
    [LABEL.restartCount]: String(labels.restartCount),
    [LABEL.specHash]: labels.specHash,
  };
}

/** Undefined when the map lacks Kedge's pod labels (a container someone else made). */
export function fromLabelMap(map: Record<string, string> | undefined): ContainerLabels | undefined {
  const podUid = map?.[LABEL.podUid];
  const kind = map?.[LABEL.kind] as ContainerKind | undefined;
  if (!map || !podUid || !kind || !kinds.includes(kind)) return undefined;
  const restartCount = Number.parseInt(map[LABEL.restartCount] ?? '0', 10);
  return {
    nodeName: map[LABEL.nodeName] ?? '',
    podUid,
    podName: map[LABEL.podName] ?? '',
    podNamespace: map[LABEL.podNamespace] ?? '',
    containerName: map[LABEL.containerName] ?? '',
    kind,
    restartCount: Number.isFinite(restartCount) && restartCount >= 0 ? restartCount : 0,
    specHash: map[LABEL.specHash] ?? '',
  };
}
