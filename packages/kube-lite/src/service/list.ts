// List with label/field selectors and limit/continue paging.
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { resourceKeyOf } from '../registry/types';
import { exactField, fieldPredicate } from '../selectors/fields';
import { labelPredicate } from '../selectors/labels';
import type { Store, Stored } from '../store/store';

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; 0/undefined = everything. */
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: Stored[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  rv: number;
  start: string;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the 400 below
  }
  throw apiErrors.badRequest(
    'continue key is not valid: pass the continue value of the previous list response unchanged',
  );
}

/** Builds one predicate from both selectors; undefined when nothing filters. */
export function objectFilter(
  def: ResourceDef,
  labelSelector?: string,
  fieldSelector?: string,
): ((o: KubeObject) => boolean) | undefined {
  const labels = labelPredicate(labelSelector);
  const fields = fieldPredicate(fieldSelector, def.fieldLabels);
  if (!labels && !fields) return undefined;
  return (o) => (!labels || labels(o.metadata.labels)) && (!fields || fields(o));
}

export function listObjects(store: Store, def: ResourceDef, query: ListQuery): ListResult {
  const filter = objectFilter(def, query.labelSelector, query.fieldSelector);
  const nodeName = def.resource === 'pods' && !def.group ? exactField(query.fieldSelector, 'spec.nodeName') : undefined;
  const scope: { namespace?: string; nodeName?: string } = {};
  if (query.namespace !== undefined) scope.namespace = query.namespace;
  if (nodeName !== undefined) scope.nodeName = nodeName;
  let items = store.list(resourceKeyOf(def), scope);
  const rv = store.currentRevision;
  const token = query.continue ? decodeContinue(query.continue) : undefined;
  if (token) items = items.filter((s) => keyOf(s.object) > token.start);
  if (filter) items = items.filter((s) => filter(s.object));
  const result: ListResult = { items, resourceVersion: String(token?.rv ?? rv) };
  const limit = query.limit ?? 0;
  if (limit > 0 && items.length > limit) {
    result.items = items.slice(0, limit);
    result.remainingItemCount = items.length - limit;
    result.continue = Buffer.from(
      JSON.stringify({ rv: token?.rv ?? rv, start: keyOf(result.items[limit - 1]!.object) }),
    ).toString('base64url');
  }
  return result;
}
