// One watch over a resource: the initial events (current objects, or the
// history after a resourceVersion), then live events, filtered by
// namespace and selectors. Objects that stop (or start) matching a
// selector are delivered as DELETED (or ADDED), as upstream does.
import type { KubeObject, WatchEventType } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { resourceKeyOf } from '../registry/types';
import type { Store, StoreEvent } from '../store/store';
import { objectFilter } from './list';

export interface WatchQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** "", "0" or undefined: start with the current objects as ADDED events. */
  resourceVersion?: string;
}

export interface Delivery {
  type: WatchEventType;
  object: KubeObject;
  /** The store event, when the object is delivered unchanged (lets writers reuse its JSON). */
  source?: StoreEvent;
}

export function parseResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv))
    throw apiErrors.badRequest(`invalid resource version "${rv}": it must be a decimal number returned by the server`);
  return Number(rv);
}

/**
 * Starts delivering; throws 410 Expired before delivering anything when the
 * resourceVersion is older than the history window. Without a
 * resourceVersion, REST watches first get the current objects as ADDED
 * (`initialEvents`, as upstream); ControllerApi watches start from now.
 * Returns unsubscribe.
 */
export function startWatch(
  store: Store,
  def: ResourceDef,
  query: WatchQuery,
  deliver: (d: Delivery) => void,
  initialEvents = true,
): () => void {
  const rkey = resourceKeyOf(def);
  const selectorFilter = objectFilter(def, query.labelSelector, query.fieldSelector);
  const ns = def.namespaced ? query.namespace : undefined;
  const matches = (o: KubeObject): boolean =>
    (ns === undefined || o.metadata.namespace === ns) && (!selectorFilter || selectorFilter(o));
  const filtered = ns !== undefined || selectorFilter !== undefined;

  const since = parseResourceVersion(query.resourceVersion);
  // Events at or below the starting point are already in what the client
  // has (the initial list, or its own resourceVersion): writes made in
  // memory but not yet flushed are delivered later and must be skipped.
  const floor = since ?? store.currentRevision;
  const onEvent = (e: StoreEvent): void => {
    if (e.rv <= floor) return;
    if (!filtered) return deliver({ type: e.type, object: e.object, source: e });
    const now = matches(e.object);
    if (e.type !== 'MODIFIED') {
      if (now) deliver({ type: e.type, object: e.object, source: e });
      return;
    }
    const before = e.prev ? matches(e.prev) : now;
    if (now && before) deliver({ type: 'MODIFIED', object: e.object, source: e });
    else if (now) deliver({ type: 'ADDED', object: e.object, source: e });
    else if (before) deliver({ type: 'DELETED', object: e.object, source: e });
  };

  // Initial events and the subscription happen in one synchronous step:
  // no write can slip between them.
  if (since === undefined && initialEvents) {
    const scope = ns !== undefined ? { namespace: ns } : {};
    for (const s of store.list(rkey, scope)) {
      if (!selectorFilter || selectorFilter(s.object)) deliver({ type: 'ADDED', object: s.object });
    }
  } else if (since !== undefined) {
    for (const e of store.eventsSince(rkey, since)) onEvent(e);
  }
  return store.subscribe(rkey, onEvent);
}
