// Printed columns of apps/v1 workloads and CRDs.
import type { KubeObject } from '../controllers/api';
import type { ColumnDef } from '../registry/types';
import { arr, mapString, num, rec, selectorString, str } from './format';
import { ageColumn, nameColumn } from './columns-core';

const col = (name: string, type: ColumnDef['type'], priority: number, cell: ColumnDef['cell']): ColumnDef => ({
  name,
  type,
  priority,
  description: name,
  cell,
});
const spec = (o: KubeObject) => rec(o.spec);
const status = (o: KubeObject) => rec(o.status);
const containers = (o: KubeObject) => arr(rec(rec(spec(o).template).spec).containers).map(rec);

const workloadTail: ColumnDef[] = [
  col('Containers', 'string', 1, (o) =>
    containers(o)
      .map((c) => str(c.name, ''))
      .join(','),
  ),
  col('Images', 'string', 1, (o) =>
    containers(o)
      .map((c) => str(c.image, ''))
      .join(','),
  ),
  col('Selector', 'string', 1, (o) => selectorString(spec(o).selector)),
];

export const deploymentColumns: ColumnDef[] = [
  nameColumn,
  col('Ready', 'string', 0, (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`),
  col('Up-to-date', 'integer', 0, (o) => num(status(o).updatedReplicas)),
  col('Available', 'integer', 0, (o) => num(status(o).availableReplicas)),
  ageColumn,
  ...workloadTail,
];

export const replicaSetColumns: ColumnDef[] = [
  nameColumn,
  col('Desired', 'integer', 0, (o) => num(spec(o).replicas)),
  col('Current', 'integer', 0, (o) => num(status(o).replicas)),
  col('Ready', 'integer', 0, (o) => num(status(o).readyReplicas)),
  ageColumn,
  ...workloadTail,
];

export const daemonSetColumns: ColumnDef[] = [
  nameColumn,
  col('Desired', 'integer', 0, (o) => num(status(o).desiredNumberScheduled)),
  col('Current', 'integer', 0, (o) => num(status(o).currentNumberScheduled)),
  col('Ready', 'integer', 0, (o) => num(status(o).numberReady)),
  col('Up-to-date', 'integer', 0, (o) => num(status(o).updatedNumberScheduled)),
  col('Available', 'integer', 0, (o) => num(status(o).numberAvailable)),
  col('Node Selector', 'string', 0, (o) => mapString(rec(rec(spec(o).template).spec).nodeSelector)),
  ageColumn,
  ...workloadTail,
];

export const crdColumns: ColumnDef[] = [
  nameColumn,
  col('Created At', 'date', 0, (o) => str(o.metadata.creationTimestamp, '')),
];
