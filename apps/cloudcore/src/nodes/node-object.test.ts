import type { V1Node, V1NodeStatus } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isReady, statusUnchanged } from './node-object';

const reported: V1NodeStatus = {
  capacity: { cpu: '4', memory: '1Gi', pods: '110' },
  nodeInfo: { architecture: 'arm64', operatingSystem: 'linux' } as V1NodeStatus['nodeInfo'],
  conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
};

const node = (ready: string, status: V1NodeStatus = reported): V1Node => ({
  metadata: { name: 'edge-1' },
  status: {
    ...status,
    conditions: [
      {
        type: 'Ready',
        status: ready,
        lastHeartbeatTime: new Date('2026-01-01T00:00:00Z'),
        reason: 'KedgeEdgeConnected',
      },
    ],
  },
});

describe('statusUnchanged', () => {
  it('is true for the same status again on a Ready node, whatever the field order', () => {
    expect(isReady(node('True'))).toBe(true);
    const reordered: V1NodeStatus = {
      nodeInfo: { operatingSystem: 'linux', architecture: 'arm64' } as V1NodeStatus['nodeInfo'],
      capacity: { pods: '110', memory: '1Gi', cpu: '4' },
      conditions: reported.conditions,
    };
    expect(statusUnchanged(node('True'), reordered)).toBe(true);
  });

  it('is false when a field changed, a condition changed, or the node is not Ready', () => {
    expect(statusUnchanged(node('True'), { ...reported, capacity: { cpu: '8', memory: '1Gi', pods: '110' } })).toBe(
      false,
    );
    expect(
      statusUnchanged(node('True'), {
        ...reported,
        conditions: [{ type: 'DiskPressure', status: 'True' }],
      }),
    ).toBe(false);
    expect(statusUnchanged(node('Unknown'), reported)).toBe(false);
    expect(statusUnchanged({ metadata: { name: 'edge-1' } }, reported)).toBe(false);
  });
});
