// Core Events expire, as with kube-apiserver's --event-ttl (default 1 h):
// controllers record them all the time and the store must stay bounded.
import type { KubeObject } from '../controllers/api';
import type { ResourceDef } from '../registry/types';
import type { ObjectService } from './objects';

function lastSeenMs(event: KubeObject): number {
  const e = event as { lastTimestamp?: unknown; eventTime?: unknown };
  const stamp = [e.lastTimestamp, e.eventTime, event.metadata.creationTimestamp].find(
    (v) => typeof v === 'string' && v !== '',
  );
  return typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
}

/** Removes events last seen more than `ttlMs` ago, every `sweepMs`. Returns stop. */
export function startEventExpiry(
  objects: ObjectService,
  eventsDef: ResourceDef,
  ttlMs: number,
  sweepMs: number,
): () => void {
  const sweep = (): void => {
    const cutoff = Date.now() - ttlMs;
    for (const s of objects.store.list('events')) {
      if (lastSeenMs(s.object) < cutoff) objects.remove(eventsDef, JSON.parse(s.json) as KubeObject);
    }
  };
  const timer = setInterval(sweep, sweepMs);
  timer.unref();
  return () => clearInterval(timer);
}
