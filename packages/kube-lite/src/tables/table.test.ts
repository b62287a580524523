import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/api';
import { builtinResources } from '../registry/builtin';
import { crdResources } from '../registry/crd';
import { humanDuration } from './format';
import { buildTable } from './table';

const def = (resource: string) => builtinResources().find((d) => d.resource === resource)!;
const now = Date.parse('2026-01-01T00:10:00Z');

describe('tables', () => {
  it('formats ages like kubectl', () => {
    expect([
      humanDuration(5_000),
      humanDuration(150_000),
      humanDuration(3 * 3600_000),
      humanDuration(50 * 3600_000),
    ]).toEqual(['5s', '2m30s', '3h', '2d2h']);
  });

  it('renders pod rows with wide columns at priority 1', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { nodeName: 'edge-1', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIP: '10.1.0.2',
        containerStatuses: [
          { ready: true, restartCount: 2, state: { running: {} } },
          { ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    };
    const table = buildTable(def('pods'), [pod], { includeObject: 'Metadata', nowMs: now }) as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(table.rows[0]!.cells).toEqual([
      'p',
      '1/2',
      'CrashLoopBackOff',
      '3',
      '10m',
      '10.1.0.2',
      'edge-1',
      '<none>',
      '<none>',
    ]);
    expect(table.rows[0]!.object.kind).toBe('PartialObjectMetadata');
  });

  it('shows node status, schedulability and roles', () => {
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n', labels: { 'node-role.kubernetes.io/edge': '', 'node-role.kubernetes.io/agent': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
    };
    const cells = (
      buildTable(def('nodes'), [node], { includeObject: 'None', nowMs: now }) as { rows: { cells: unknown[] }[] }
    ).rows[0]!.cells;
    expect(cells.slice(0, 3)).toEqual(['n', 'NotReady,SchedulingDisabled', 'agent,edge']);
    expect(cells[4]).toBe('v1.32.0');
  });

  it('uses CRD printer columns with json paths', () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'First', type: 'string', jsonPath: '.spec.items[0].name', priority: 1 },
            ],
          },
        ],
      },
    };
    const [widgets] = crdResources(crd);
    const table = buildTable(
      widgets!,
      [
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w' },
          spec: { size: 3, items: [{ name: 'x' }] },
        },
      ],
      { includeObject: 'None', nowMs: now },
    ) as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Size:0', 'First:1']);
    expect(table.rows[0]!.cells).toEqual(['w', 3, 'x']);
  });
});
