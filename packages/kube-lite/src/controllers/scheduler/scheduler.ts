// The default scheduler: binds each pod without spec.nodeName to the
// least-allocated node that passes the filters, or marks it Unschedulable
// and tries again when a node it would fit on changes or frees capacity.
import type { Controller, ControllerApi, KubeObject } from '../api';
import { InvalidQuantityError } from '../errors';
import { defineController } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import { NODES, PODS, POD_BINDING } from '../runtime/resources';
import { canonicalJson, clone, field, keyOf, nowIso } from '../util/objects';
import { namedNodes } from '../util/node-match';
import { conditionsOf, findCondition, isPodActive, withCondition } from '../util/pods';
import type { PodFacts } from './fit';
import { AFFINITY_MISMATCH, feasibleNodesToFind, filterNode, podFacts, scoreNode, unschedulableMessage } from './fit';
import { NodeCache } from './node-cache';

export const DEFAULT_SCHEDULER = 'default-scheduler';

/** Delay that coalesces a burst of node changes into one look at the pending pods. */
const RETRY_COALESCE_MS = 50;

export function needsScheduling(pod: KubeObject): boolean {
  return (
    !field<string>(pod, 'spec', 'nodeName') &&
    (field<string>(pod, 'spec', 'schedulerName') ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER &&
    isPodActive(pod)
  );
}

interface Unschedulable {
  message: string;
  attempts: number;
  lastAttemptMs: number;
}

/** Per-pod retry backoff after failed attempts, as upstream: 1 s doubling to 10 s. */
const backoffMs = (attempts: number): number => Math.min(1_000 * 2 ** (attempts - 1), 10_000);

interface State {
  api: ControllerApi;
  pods: Informer;
  cache: NodeCache;
  /** Pending pods that fit nowhere: the message last written and when to try again. */
  unschedulable: Map<string, Unschedulable>;
  nextStart: number;
}

/**
 * Whether a pod that fit no node at its last attempt fits one of the nodes
 * changed since: nothing else can have changed its answer, so a retry is a
 * test against those few nodes first, as Kubernetes' queueing hints do, and
 * not a scan of every node. When a fleet's Leases lapse together, every
 * pending pod fits nowhere, and each node coming back would otherwise cost
 * each pending pod a scan of all nodes.
 */
function fitsAChangedNode(state: State, key: string, changed: readonly string[]): boolean {
  const pod = state.pods.getByKey(key);
  if (!pod || !needsScheduling(pod)) return true; // let the sync forget it
  let facts: PodFacts;
  try {
    facts = podFacts(pod);
  } catch {
    // An invalid request fits nowhere until the pod changes. This runs in a timer, where a
    // throw would end the process; schedulePod reports anything else when the pod is synced.
    return false;
  }
  for (const name of changed) {
    const info = state.cache.nodes.get(name);
    if (info && filterNode(facts, info).length === 0) return true;
  }
  return false;
}

export function scheduler(): Controller {
  return defineController('scheduler', (api, informers, queue) => {
    const nodes = informers.informer(NODES);
    const pods = informers.informer(PODS);
    const state: State = { api, pods, cache: new NodeCache(), unschedulable: new Map(), nextStart: 0 };
    for (const node of nodes.list()) state.cache.onNode('ADDED', node);
    for (const pod of pods.list()) state.cache.onPod('ADDED', pod);
    let retryTimer: NodeJS.Timeout | undefined;
    // Nodes whose shape or free capacity changed since the pending pods were last looked at.
    const changedNodes = new Set<string>();
    const nodeChanged = (name: string): void => {
      if (state.unschedulable.size === 0) return;
      changedNodes.add(name);
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined;
        const changed = [...changedNodes];
        changedNodes.clear();
        const now = Date.now();
        for (const [key, u] of state.unschedulable)
          if (fitsAChangedNode(state, key, changed)) queue.addAfter(key, u.lastAttemptMs + backoffMs(u.attempts) - now);
      }, RETRY_COALESCE_MS);
    };
    const onPod = (type: string, pod: KubeObject, old: KubeObject | undefined): void => {
      const freed = state.cache.onPod(type, pod);
      if (freed !== undefined) nodeChanged(freed);
      const key = keyOf(pod);
      if (type === 'DELETED' || !needsScheduling(pod)) {
        state.unschedulable.delete(key);
        return;
      }
      // Our own status write on an unschedulable pod is no reason to try again.
      if (state.unschedulable.has(key) && old && canonicalJson(old.spec) === canonicalJson(pod.spec)) return;
      queue.add(key);
    };
    return {
      subscriptions: [
        nodes.subscribe((type, node) => {
          if (state.cache.onNode(type, node)) nodeChanged(node.metadata.name);
        }),
        pods.subscribe(onPod),
      ],
      initialKeys: [...pods.list()].filter(needsScheduling).map(keyOf),
      sync: (key) => schedulePod(state, key),
      onStop: () => clearTimeout(retryTimer),
    };
  });
}

function schedulePod(state: State, key: string): void {
  const pod = state.pods.getByKey(key);
  if (!pod || !needsScheduling(pod)) {
    state.unschedulable.delete(key);
    return;
  }
  let facts: PodFacts;
  try {
    facts = podFacts(pod);
  } catch (err) {
    if (!(err instanceof InvalidQuantityError)) throw err;
    markUnschedulable(state, pod, `invalid resource request: ${err.message}`);
    return;
  }
  const { order, nodes } = state.cache;
  const total = order.length;
  // A pod that names its nodes (a DaemonSet's) is tried on those alone; every other
  // node would fail the affinity filter, and says so in the message as it would have.
  const named = namedNodes(pod);
  const candidates = named ? [...named].filter((name) => nodes.has(name)) : order;
  const reasons = new Map<string, number>();
  if (named && total > candidates.length) reasons.set(AFFINITY_MISMATCH, total - candidates.length);
  const want = named ? candidates.length : feasibleNodesToFind(total);
  let best: string | undefined;
  let bestScore = -1;
  let bestPods = Infinity;
  let found = 0;
  let processed = 0;
  const start = named ? 0 : state.nextStart;
  for (; processed < candidates.length && found < want; processed++) {
    const name = candidates[(start + processed) % candidates.length] as string;
    const info = nodes.get(name);
    if (!info) continue;
    const failed = filterNode(facts, info);
    if (failed.length > 0) {
      for (const reason of failed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    found++;
    const score = scoreNode(facts, info);
    if (score > bestScore || (score === bestScore && info.pods < bestPods)) {
      best = name;
      bestScore = score;
      bestPods = info.pods;
    }
  }
  if (!named) state.nextStart = total === 0 ? 0 : (state.nextStart + processed) % total;
  if (best === undefined) return markUnschedulable(state, pod, unschedulableMessage(total, reasons));
  bind(state, pod, best);
}

/** Posts a Binding (spec.nodeName and PodScheduled=True in one write) and records Scheduled. */
function bind(state: State, pod: KubeObject, node: string): void {
  const { namespace, name, uid } = pod.metadata;
  state.api.create(POD_BINDING, {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name, namespace, ...(uid ? { uid } : {}) },
    target: { apiVersion: 'v1', kind: 'Node', name: node },
  });
  // Watch events arrive after the write: read the bound pod now so the next
  // decision already counts it against its node.
  const bound = state.api.get(PODS, namespace, name);
  if (bound) state.pods.observe(bound);
  state.unschedulable.delete(keyOf(pod));
  state.api.recordEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
}

function markUnschedulable(state: State, pod: KubeObject, message: string): void {
  const key = keyOf(pod);
  const current = findCondition(pod, 'PodScheduled');
  const same = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message;
  const previous = state.unschedulable.get(key);
  state.unschedulable.set(key, { message, attempts: (previous?.attempts ?? 0) + 1, lastAttemptMs: Date.now() });
  if (same && previous?.message === message) return;
  if (!same) {
    const updated = clone(pod);
    const condition = {
      type: 'PodScheduled',
      status: 'False' as const,
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
    };
    updated.status = {
      ...(updated.status as object),
      conditions: withCondition(conditionsOf(pod), condition, nowIso()),
    };
    state.pods.observe(state.api.updateStatus(PODS, updated));
  }
  state.api.recordEvent(pod, 'Warning', 'FailedScheduling', message);
}
