import { InvalidPodSpecError } from '../errors';
import type { Container } from './kube-types';

// Kubernetes resource quantities ("500m", "64Mi", "1.5", "2e3") as numbers.

const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/;

/** Parses a quantity; `field` names where it came from for the error message. */
export function parseQuantity(value: string | number, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const match = pattern.exec(String(value).trim());
  if (!match) {
    throw new InvalidPodSpecError(
      `${field}: "${String(value)}" is not a Kubernetes quantity; write e.g. "500m", "2", "64Mi"`,
      { field },
    );
  }
  const [, number, exponent, suffix] = match;
  return Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : (suffixes[suffix ?? ''] ?? 1));
}

/** Limits translated to engine settings: NanoCpus, CpuShares (from requests, as kubelet), Memory bytes. */
export function engineResources(
  container: Container,
  field: string,
): { nanoCpus?: number; cpuShares?: number; memoryBytes?: number } {
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const out: { nanoCpus?: number; cpuShares?: number; memoryBytes?: number } = {};
  if (limits.cpu !== undefined)
    out.nanoCpus = Math.round(parseQuantity(limits.cpu, `${field}.resources.limits.cpu`) * 1e9);
  const cpuRequest = requests.cpu ?? limits.cpu;
  if (cpuRequest !== undefined) {
    out.cpuShares = Math.max(2, Math.round(parseQuantity(cpuRequest, `${field}.resources.requests.cpu`) * 1024));
  }
  if (limits.memory !== undefined)
    out.memoryBytes = Math.round(parseQuantity(limits.memory, `${field}.resources.limits.memory`));
  return out;
}
