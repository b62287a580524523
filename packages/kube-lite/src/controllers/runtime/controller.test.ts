import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { enqueueOnOwnChange, type QueueHandle } from './controller';

const ds = (generation: number, deletionTimestamp?: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'd', namespace: 'ns', generation, ...(deletionTimestamp ? { deletionTimestamp } : {}) },
});

describe('enqueueOnOwnChange', () => {
  it('syncs at once for a new object, spec or deletion, and coalesces status-only changes', () => {
    const calls: string[] = [];
    const queue: QueueHandle = {
      add: (key) => calls.push(`add ${key}`),
      addAfter: (key) => calls.push(`after ${key}`),
      addCoalesced: (key) => calls.push(`coalesced ${key}`),
    };
    const handler = enqueueOnOwnChange(queue, (o) => `${o.metadata.namespace}/${o.metadata.name}`);
    handler('ADDED', ds(1), undefined);
    handler('MODIFIED', ds(1), ds(1)); // its own status write
    handler('MODIFIED', ds(2), ds(1)); // a new template
    handler('MODIFIED', ds(2, '2026-11-28T00:00:00Z'), ds(2)); // being deleted
    handler('DELETED', ds(2), undefined);
    expect(calls).toEqual(['add ns/d', 'coalesced ns/d', 'add ns/d', 'add ns/d', 'add ns/d']);
  });
});
