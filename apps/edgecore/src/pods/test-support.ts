import type { Container, KubeObject, Pod, PodStatus } from './kube-types';
import type { PodManager } from './manager';

// Shared helpers of the pods tests.

let serial = 0;

/** A pod with a unique uid and name. */
export function makePod(base: string, containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  serial++;
  const suffix = `${process.pid.toString(36)}${serial}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${base}-${suffix}`,
      namespace: 'default',
      uid: `uid-${base}-${suffix}-${Date.now().toString(36)}`,
    },
    spec: { containers, terminationGracePeriodSeconds: 1, ...extra },
  };
}

/** In-memory ConfigMaps and Secrets for the resolve option. */
export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  set(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, data: Record<string, string>): void {
    const encoded =
      kind === 'Secret'
        ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
        : data;
    this.objects.set(`${kind}/${namespace}/${name}`, { kind, metadata: { name, namespace }, data: encoded });
  }
  resolve = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string): KubeObject | undefined =>
    this.objects.get(`${kind}/${namespace}/${name}`);
}

/** Resolves with the pod's status once `check` accepts it (checked on every change). */
export function waitForStatus(
  manager: PodManager,
  uid: string,
  check: (s: PodStatus) => boolean,
  timeoutMs = 20_000,
): Promise<PodStatus> {
  return new Promise((resolve, reject) => {
    let last = manager.status(uid);
    const finish = (error?: Error, status?: PodStatus): void => {
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve(status as PodStatus);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms; last status: ${JSON.stringify(last, null, 1)}`)),
      timeoutMs,
    );
    const off = manager.onStatus((ref, status) => {
      if (ref.uid !== uid) return;
      last = status;
      if (check(status)) finish(undefined, status);
    });
    if (last && check(last)) finish(undefined, last);
  });
}

export function statusOf(status: PodStatus, name: string): NonNullable<PodStatus['containerStatuses']>[number] {
  const found = [...(status.initContainerStatuses ?? []), ...status.containerStatuses].find((c) => c.name === name);
  if (!found) throw new Error(`no status for container ${name}`);
  return found;
}
