import type { Pod, PodStatus } from './kube-types';

/** QoS class as Kubernetes derives it from requests and limits of all containers. */
export function qosClass(pod: Pod): PodStatus['qosClass'] {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = c.resources?.limits ?? {};
    // Requests default to limits when only limits are given.
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    for (const resource of ['cpu', 'memory']) {
      if (requests[resource] !== undefined || limits[resource] !== undefined) any = true;
      if (limits[resource] === undefined || String(requests[resource]) !== String(limits[resource])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
