import { availableParallelism, totalmem } from 'node:os';
import type { NodeResources } from './types';

/** What the node offers to pods: every CPU and all memory; reservations are the caller's concern. */
export function hostResources(): NodeResources {
  return { cpuCount: availableParallelism(), memoryBytes: totalmem() };
}
