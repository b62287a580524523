// What a pod asks of a node and what a node offers, in millicores, bytes and pod slots.
import type { KubeObject } from '../api';
import { field, list } from '../util/objects';
import { parseMilliCpu, parseQuantity } from '../util/quantity';

export interface Resources {
  milliCpu: number;
  memory: number;
}

interface Container {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

function containerRequests(c: Container): Resources {
  // A container that sets only limits requests its limits, as API defaulting does.
  const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  const memory = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
  return {
    milliCpu: cpu === undefined ? 0 : parseMilliCpu(cpu),
    memory: memory === undefined ? 0 : parseQuantity(memory),
  };
}

/** Sum over containers, at least the largest init container, plus overhead. Throws InvalidQuantityError. */
export function podRequests(pod: KubeObject): Resources {
  const sum: Resources = { milliCpu: 0, memory: 0 };
  for (const c of list<Container>(field(pod, 'spec', 'containers'))) {
    const r = containerRequests(c);
    sum.milliCpu += r.milliCpu;
    sum.memory += r.memory;
  }
  for (const c of list<Container>(field(pod, 'spec', 'initContainers'))) {
    const r = containerRequests(c);
    sum.milliCpu = Math.max(sum.milliCpu, r.milliCpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = field<Record<string, string>>(pod, 'spec', 'overhead');
  if (overhead?.cpu) sum.milliCpu += parseMilliCpu(overhead.cpu);
  if (overhead?.memory) sum.memory += parseQuantity(overhead.memory);
  return sum;
}

export interface Allocatable extends Resources {
  pods: number;
}

/** status.allocatable (or capacity); a resource the node does not report is 0, as in Kubernetes. */
export function nodeAllocatable(node: KubeObject): Allocatable {
  const alloc =
    field<Record<string, string | number>>(node, 'status', 'allocatable') ??
    field<Record<string, string | number>>(node, 'status', 'capacity') ??
    {};
  const read = (value: string | number | undefined, parse: (q: string | number) => number): number => {
    if (value === undefined) return 0;
    try {
      return parse(value);
    } catch {
      return 0;
    }
  };
  return {
    milliCpu: read(alloc.cpu, parseMilliCpu),
    memory: read(alloc.memory, parseQuantity),
    pods: Math.floor(read(alloc.pods, parseQuantity)),
  };
}
