/**
 * What a bound object needs on its node: the ConfigMaps and Secrets a pod
 * reads (volumes, projected sources, env valueFrom, envFrom, image pull
 * secrets), the DeviceModel a device is an instance of.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { formatObjectKey } from '@kedge/protocol';

/** Object keys (`ConfigMap/ns/name`, `Secret/ns/name`) the pod references, without duplicates. */
export function podReferences(pod: V1Pod): string[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const refs = new Set<string>();
  const add = (kind: 'ConfigMap' | 'Secret', name: string | undefined) => {
    if (name) refs.add(formatObjectKey({ kind, namespace: ns, name }));
  };
  for (const volume of pod.spec?.volumes ?? []) {
    add('ConfigMap', volume.configMap?.name);
    add('Secret', volume.secret?.secretName);
    for (const source of volume.projected?.sources ?? []) {
      add('ConfigMap', source.configMap?.name);
      add('Secret', source.secret?.name);
    }
  }
  const containers: V1Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const container of containers) {
    for (const env of container.env ?? []) {
      add('ConfigMap', env.valueFrom?.configMapKeyRef?.name);
      add('Secret', env.valueFrom?.secretKeyRef?.name);
    }
    for (const from of container.envFrom ?? []) {
      add('ConfigMap', from.configMapRef?.name);
      add('Secret', from.secretRef?.name);
    }
  }
  for (const pull of pod.spec?.imagePullSecrets ?? []) add('Secret', pull.name);
  return [...refs];
}

/** The fields of a devices.kubeedge.io/v1beta1 Device that binding reads. */
export interface DeviceObject {
  readonly metadata?: { readonly namespace?: string };
  readonly spec?: { readonly nodeName?: string; readonly deviceModelRef?: { readonly name?: string } };
}

export function deviceReferences(device: DeviceObject): string[] {
  const name = device.spec?.deviceModelRef?.name;
  return name
    ? [formatObjectKey({ kind: 'DeviceModel', namespace: device.metadata?.namespace ?? 'default', name })]
    : [];
}
