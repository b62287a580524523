// Turns a CustomResourceDefinition into the ResourceDefs it serves.
import type { KubeObject } from '../controllers/api';
import { age, arr, getPath, rec, str } from '../tables/format';
import { nameColumn } from '../tables/columns-core';
import type { ColumnDef, ResourceDef, Subresource } from './types';

function printerColumn(spec: Record<string, unknown>): ColumnDef {
  const type = str(spec.type, 'string') as ColumnDef['type'];
  const path = str(spec.jsonPath, '');
  const column: ColumnDef = {
    name: str(spec.name, path),
    type,
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
    description: str(spec.description, ''),
    cell: (o, now) => {
      const value = getPath(o, path);
      if (type === 'date') return typeof value === 'string' ? age(value, now) : '<unknown>';
      if (value === undefined || value === null) return null;
      return typeof value === 'object' ? JSON.stringify(value) : value;
    },
  };
  if (typeof spec.format === 'string') column.format = spec.format;
  return column;
}

const defaultAge = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function crdResources(crd: KubeObject): ResourceDef[] {
  const spec = rec(crd.spec);
  const names = rec(spec.names);
  const group = str(spec.group, '');
  const versions = arr(spec.versions).map(rec);
  const storage = versions.find((v) => v.storage === true) ?? versions[0];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const subresources: Subresource[] = [];
      if (rec(v.subresources).status) subresources.push('status');
      if (rec(v.subresources).scale) subresources.push('scale');
      const printers = arr(v.additionalPrinterColumns).map(rec);
      const kind = str(names.kind, '');
      return {
        group,
        version: str(v.name, ''),
        resource: str(names.plural, ''),
        singular: str(names.singular, kind.toLowerCase()),
        kind,
        listKind: str(names.listKind, `${kind}List`),
        namespaced: spec.scope !== 'Cluster',
        shortNames: arr(names.shortNames).map(String),
        categories: arr(names.categories).map(String),
        subresources,
        fieldLabels: [],
        columns: [nameColumn, ...(printers.length ? printers : [defaultAge]).map(printerColumn)],
        fromCrd: crd.metadata.name,
        storageVersion: str(storage?.name, str(v.name, '')),
      };
    });
}
