// The scale subresource (autoscaling/v1 Scale) of Deployments and ReplicaSets.
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import { rec, selectorString } from '../tables/format';

export function toScale(o: KubeObject): KubeObject {
  const m = o.metadata;
  const metadata: KubeObject['metadata'] = { name: m.name };
  for (const f of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const)
    if (m[f] !== undefined) metadata[f] = m[f];
  const selector = selectorString(rec(o.spec).selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas: Number(rec(o.spec).replicas ?? 0) },
    status: { replicas: Number(rec(o.status).replicas ?? 0), ...(selector !== '<none>' ? { selector } : {}) },
  };
}

/** Applies a Scale to a copy of its object; the caller writes it with the Scale's resourceVersion. */
export function fromScale(target: KubeObject, scale: unknown): KubeObject {
  const s = rec(scale);
  const replicas = rec(s.spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw apiErrors.invalid('autoscaling', 'Scale', target.metadata.name, [
      { field: 'spec.replicas', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0` },
    ]);
  }
  const rv = rec(s.metadata).resourceVersion;
  const out: KubeObject = { ...target, metadata: { ...target.metadata }, spec: { ...rec(target.spec), replicas } };
  if (typeof rv === 'string' && rv !== '') out.metadata.resourceVersion = rv;
  return out;
}
