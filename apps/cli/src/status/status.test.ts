import type { V1Lease, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderFleet } from '../commands/status';
import { fleetRows } from './fleet';
import { trafficByNode } from './metrics';

const metrics = `# HELP kedge_cloudcore_node_wire_bytes_total TLS socket bytes
# TYPE kedge_cloudcore_node_wire_bytes_total counter
kedge_cloudcore_node_wire_bytes_total{node="edge-1",direction="in"} 2048
kedge_cloudcore_node_wire_bytes_total{direction="out",node="edge-1"} 124
kedge_cloudcore_node_wire_bytes_total{node="edge-2",direction="out"} 5
kedge_cloudcore_node_wire_bytes_total{node="edge-3",direction="sideways"} 5
kedge_cloudcore_node_payload_bytes_total{node="edge-1",direction="in"} 99
kedge_cloudcore_node_payload_bytes_total{node="edge-4",direction="in"} 10
kedge_cloudcore_node_wire_bytes_total 7
`;

describe('kedge status', () => {
  it('sums per-node wire bytes, falls back to payload bytes, ignores the rest', () => {
    const t = trafficByNode(metrics);
    expect(t.get('edge-1')).toEqual({ bytesIn: 2048, bytesOut: 124 });
    expect(t.get('edge-2')).toEqual({ bytesIn: 0, bytesOut: 5 });
    expect(t.get('edge-4')).toEqual({ bytesIn: 10, bytesOut: 0 });
    expect(t.size).toBe(3);
  });

  it('builds one row per node from nodes, leases, pods and traffic', () => {
    const nodes: V1Node[] = [
      {
        metadata: { name: 'edge-2', labels: { 'node-role.kubernetes.io/edge': '' } },
        status: { conditions: [{ type: 'Ready', status: 'False' }] },
      },
      {
        metadata: { name: 'edge-1', labels: { 'node-role.kubernetes.io/edge': '', 'kedge.io/group': 'section-3' } },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ];
    const leases: V1Lease[] = [{ metadata: { name: 'edge-1' }, spec: { renewTime: new Date('2026-01-01T00:00:00Z') } }];
    const pods: V1Pod[] = [
      { spec: { nodeName: 'edge-1', containers: [] }, status: { phase: 'Running' } },
      { spec: { nodeName: 'edge-1', containers: [] }, status: { phase: 'Succeeded' } },
      { spec: { containers: [] } },
    ];
    const rows = fleetRows(nodes, leases, pods, trafficByNode(metrics), 'kedge.io/group');
    expect(rows).toEqual([
      {
        node: 'edge-1',
        group: 'section-3',
        edge: true,
        online: true,
        lastSeen: '2026-01-01T00:00:00.000Z',
        pods: 1,
        bytesIn: 2048,
        bytesOut: 124,
      },
      { node: 'edge-2', group: '-', edge: true, online: false, lastSeen: undefined, pods: 0, bytesIn: 0, bytesOut: 5 },
    ]);
    const table = renderFleet(rows, Date.parse('2026-01-01T00:00:30Z'));
    expect(table.split('\n')[0]).toMatch(/^NODE\s+GROUP\s+ONLINE\s+LAST SEEN\s+PODS\s+BYTES IN\s+BYTES OUT$/);
    expect(table).toMatch(/edge-1\s+section-3\s+yes\s+30s ago\s+1\s+2.0 KiB\s+124 B/);
    expect(table).toMatch(/edge-2\s+-\s+no\s+-\s+0/);
  });

  it('shows "-" for traffic when metrics are unavailable', () => {
    const rows = fleetRows([{ metadata: { name: 'n' } }], [], [], undefined, 'kedge.io/group');
    expect(renderFleet(rows)).toMatch(/n\s+-\s+no\s+-\s+0\s+-\s+-$/m);
  });
});
