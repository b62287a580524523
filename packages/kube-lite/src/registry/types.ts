import type { KubeObject } from '../controllers/api';

/** A printed column of `kubectl get`: how Table rows are built for a resource. */
export interface ColumnDef {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = always shown, 1 = only with `-o wide`. */
  priority: number;
  cell: (object: KubeObject, nowMs: number) => unknown;
}

export type Subresource = 'status' | 'scale' | 'binding';

/** Everything the server knows about one served resource at one version. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, e.g. "pods". */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** Field selector labels beyond metadata.name/metadata.namespace. */
  fieldLabels: string[];
  /** Table columns in order, NAME included (events do not lead with it). */
  columns: ColumnDef[];
  /** Set for resources served from a CustomResourceDefinition. */
  fromCrd?: string;
  /** The version objects are stored at (CRDs may serve several). */
  storageVersion: string;
}

export const apiVersionOf = (def: { group: string; version: string }): string =>
  def.group ? `${def.group}/${def.version}` : def.version;

/** Storage key of a resource: independent of the version it is served at. */
export const resourceKeyOf = (ref: { group: string; resource: string }): string =>
  ref.group ? `${ref.resource}.${ref.group}` : ref.resource;

export const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;
