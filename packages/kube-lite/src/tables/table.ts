// meta.k8s.io/v1 Table responses for `kubectl get` (list, get and watch).
import type { KubeObject } from '../controllers/api';
import type { ResourceDef } from '../registry/types';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject: IncludeObject;
  /** Watch events after the first omit the column definitions. */
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  nowMs?: number;
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function tableRow(
  def: ResourceDef,
  o: KubeObject,
  include: IncludeObject,
  nowMs: number,
): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: def.columns.map((c) => c.cell(o, nowMs) ?? null) };
  const object = rowObject(o, include);
  if (object !== undefined) row.object = object;
  return row;
}

export function buildTable(def: ResourceDef, items: KubeObject[], options: TableOptions): Record<string, unknown> {
  const now = options.nowMs ?? Date.now();
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.noHeaders
      ? []
      : def.columns.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          description: c.description ?? '',
          priority: c.priority,
        })),
    rows: items.map((o) => tableRow(def, o, options.includeObject, now)),
  };
}

/** Reads `Accept` for the Table media type kubectl asks for. */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
