// DaemonSet controller: one pod per node that the DaemonSet's selector,
// affinity and tolerations admit; a template change rolls out node by node
// within maxUnavailable; status as `kubectl rollout status ds` reads it.
import type { Controller, ControllerApi, KubeObject } from '../api';
import { InvalidIntOrPercentError } from '../errors';
import { ignoreNotFound } from '../runtime/api-errors';
import { defineController, enqueueOnOwnChange } from '../runtime/controller';
import type { Informer } from '../runtime/informer';
import type { SyncResult } from '../runtime/queue';
import { DAEMON_SETS, NODES, PODS } from '../runtime/resources';
import { templateHash } from '../util/hash';
import { resolveIntOrPercent } from '../util/int-or-percent';
import {
  byControllerUid,
  canonicalJson,
  clone,
  controllerRef,
  creationMs,
  field,
  isDeleting,
  keyOf,
  objectKey,
  statusDiffers,
} from '../util/objects';
import { isPodAvailable, isPodReady, msUntilAvailable, podPhase } from '../util/pods';
import { CONTROLLER_UID_INDEX } from '../replicaset/controller';
import { REVISION_HASH_LABEL, daemonPod, placement, targetNode, templateOf, type Placement } from './placement';

interface Ctx {
  api: ControllerApi;
  daemonSets: Informer;
  pods: Informer;
  nodes: Informer;
  placements: PlacementCache;
  /** Node name → its labels and taints, what placement depends on. */
  shapes: Map<string, string>;
}

const shapeOf = (node: KubeObject): string => canonicalJson([node.metadata.labels, field(node, 'spec', 'taints')]);

/** Placement of each DaemonSet's template on each node, kept while neither the template nor the node's shape changes. */
class PlacementCache {
  readonly #byDaemonSet = new Map<
    string,
    { hash: string; nodes: Map<string, { shape: string; placement: Placement }> }
  >();

  get(ds: KubeObject, hash: string, node: KubeObject, shape: string): Placement {
    const uid = ds.metadata.uid ?? '';
    let entry = this.#byDaemonSet.get(uid);
    if (entry?.hash !== hash) {
      entry = { hash, nodes: new Map() };
      this.#byDaemonSet.set(uid, entry);
    }
    const known = entry.nodes.get(node.metadata.name);
    if (known?.shape === shape) return known.placement;
    const fresh = placement(ds, node);
    entry.nodes.set(node.metadata.name, { shape, placement: fresh });
    return fresh;
  }

  /** The placement cached for this template on this node, whatever shape it was made for. */
  peek(ds: KubeObject, hash: string, nodeName: string): Placement | undefined {
    const entry = this.#byDaemonSet.get(ds.metadata.uid ?? '');
    return entry?.hash === hash ? entry.nodes.get(nodeName)?.placement : undefined;
  }

  forgetDaemonSet(uid: string): void {
    this.#byDaemonSet.delete(uid);
  }

  forgetNode(name: string): void {
    for (const entry of this.#byDaemonSet.values()) entry.nodes.delete(name);
  }
}

export function daemonSetController(): Controller {
  return defineController('daemonset', (api, informers, queue) => {
    const daemonSets = informers.informer(DAEMON_SETS);
    const pods = informers.informer(PODS);
    const nodes = informers.informer(NODES);
    pods.addIndex(CONTROLLER_UID_INDEX, byControllerUid);
    const enqueueAll = (): void => {
      for (const ds of daemonSets.list()) queue.add(keyOf(ds));
    };
    // Heartbeats do not move daemon pods; only labels, taints and existence do.
    const shapes = new Map<string, string>();
    const placements = new PlacementCache();
    const onNode = (type: string, node: KubeObject): void => {
      const name = node.metadata.name;
      if (type === 'DELETED') {
        shapes.delete(name);
        placements.forgetNode(name);
        return enqueueAll();
      }
      const shape = shapeOf(node);
      if (shapes.get(name) === shape) return;
      shapes.set(name, shape);
      // A full sync walks every node. A taint every daemon pod tolerates changes nothing
      // and syncs nothing; one that moves placement (each node that misses its Lease gets
      // `unreachable:NoSchedule`, then loses it) is coalesced like pod events, or a
      // fleet-wide outage would cost a sync per node.
      for (const ds of daemonSets.list()) {
        const hash = templateHash(templateOf(ds));
        const before = placements.peek(ds, hash, name);
        const after = placements.get(ds, hash, node, shape);
        if (before?.shouldRun !== after.shouldRun || before.shouldContinue !== after.shouldContinue)
          queue.addCoalesced(keyOf(ds));
      }
    };
    for (const node of nodes.list()) shapes.set(node.metadata.name, shapeOf(node));
    const onPod = (_t: string, pod: KubeObject): void => {
      const ref = controllerRef(pod);
      if (ref?.kind === 'DaemonSet') queue.addCoalesced(objectKey(pod.metadata.namespace, ref.name));
    };
    const enqueueDaemonSet = enqueueOnOwnChange(queue, keyOf);
    const onDaemonSet = (type: string, ds: KubeObject, old: KubeObject | undefined): void => {
      if (type === 'DELETED') placements.forgetDaemonSet(ds.metadata.uid ?? '');
      enqueueDaemonSet(type, ds, old);
    };
    const ctx: Ctx = { api, daemonSets, pods, nodes, placements, shapes };
    return {
      subscriptions: [daemonSets.subscribe(onDaemonSet), pods.subscribe(onPod), nodes.subscribe(onNode)],
      initialKeys: [...daemonSets.list()].map(keyOf),
      sync: (key) => syncDaemonSet(ctx, key),
    };
  });
}

interface NodeState {
  node: KubeObject;
  shouldRun: boolean;
  pod: KubeObject | undefined;
}

function syncDaemonSet(ctx: Ctx, key: string): SyncResult {
  const ds = ctx.daemonSets.getByKey(key);
  if (!ds?.metadata.uid) return;
  const hash = templateHash(templateOf(ds));
  const byNode = new Map<string, KubeObject[]>();
  const toDelete: KubeObject[] = [];
  for (const pod of ctx.pods.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid)) {
    if (pod.metadata.namespace !== ds.metadata.namespace || isDeleting(pod)) continue;
    const node = targetNode(pod);
    // Failed daemon pods are replaced; pods for nodes that are gone are removed.
    if (podPhase(pod) === 'Failed' || !node || !ctx.nodes.get(undefined, node)) toDelete.push(pod);
    else byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const states: NodeState[] = [];
  const toCreate: string[] = [];
  for (const node of ctx.nodes.list()) {
    const shape = ctx.shapes.get(node.metadata.name) ?? shapeOf(node);
    const { shouldRun, shouldContinue } = ctx.placements.get(ds, hash, node, shape);
    const here = (byNode.get(node.metadata.name) ?? []).sort((a, b) => creationMs(a) - creationMs(b));
    if (!shouldContinue) toDelete.push(...here);
    else if (here.length > 1) toDelete.push(...here.slice(1));
    if (shouldRun && here.length === 0) toCreate.push(node.metadata.name);
    states.push({ node, shouldRun, pod: shouldContinue ? here[0] : undefined });
  }
  if (!isDeleting(ds)) {
    toDelete.push(...rollingDeletions(ds, states, hash));
    for (const pod of toDelete)
      ignoreNotFound(() => ctx.api.delete(PODS, pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid }));
    for (const nodeName of toCreate) {
      const created = ctx.api.create(PODS, daemonPod(ds, nodeName, hash));
      ctx.pods.observe(created);
      ctx.api.recordEvent(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    }
  }
  return writeStatus(ctx, ds, states, hash);
}

/** Old-template pods to delete now: unavailable ones always, available ones while under maxUnavailable. */
function rollingDeletions(ds: KubeObject, states: NodeState[], hash: string): KubeObject[] {
  if (field<string>(ds, 'spec', 'updateStrategy', 'type') === 'OnDelete') return [];
  const minReadySeconds = field<number>(ds, 'spec', 'minReadySeconds') ?? 0;
  const desired = states.filter((s) => s.shouldRun).length;
  let maxUnavailable: number;
  try {
    const raw = field(ds, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable');
    maxUnavailable = Math.max(
      1,
      resolveIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', raw, 1, desired, true),
    );
  } catch (err) {
    if (err instanceof InvalidIntOrPercentError) return [];
    throw err;
  }
  const now = Date.now();
  const available = (pod: KubeObject | undefined): boolean =>
    pod !== undefined && isPodAvailable(pod, minReadySeconds, now);
  let unavailable = states.filter((s) => s.shouldRun && !available(s.pod)).length;
  const out: KubeObject[] = [];
  for (const s of states) {
    const pod = s.pod;
    if (!pod || pod.metadata.labels?.[REVISION_HASH_LABEL] === hash) continue;
    if (!available(pod)) out.push(pod);
    else if (unavailable < maxUnavailable) {
      out.push(pod);
      unavailable++;
    }
  }
  return out;
}

function writeStatus(ctx: Ctx, ds: KubeObject, states: NodeState[], hash: string): SyncResult {
  const minReadySeconds = field<number>(ds, 'spec', 'minReadySeconds') ?? 0;
  const now = Date.now();
  let wait: number | undefined;
  const next = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
    numberUnavailable: 0,
    observedGeneration: ds.metadata.generation ?? 0,
  };
  for (const { shouldRun, pod } of states) {
    if (!shouldRun) {
      if (pod) next.numberMisscheduled++;
      continue;
    }
    next.desiredNumberScheduled++;
    if (!pod) continue;
    next.currentNumberScheduled++;
    if (isPodReady(pod)) next.numberReady++;
    if (isPodAvailable(pod, minReadySeconds, now)) next.numberAvailable++;
    else {
      const ms = msUntilAvailable(pod, minReadySeconds, now);
      if (ms !== undefined) wait = Math.min(wait ?? ms, ms);
    }
    if (pod.metadata.labels?.[REVISION_HASH_LABEL] === hash) next.updatedNumberScheduled++;
  }
  next.numberUnavailable = next.desiredNumberScheduled - next.numberAvailable;
  if (statusDiffers(ds.status, next)) {
    const updated = clone(ds);
    updated.status = { ...(ds.status as object), ...next };
    ctx.daemonSets.observe(ctx.api.updateStatus(DAEMON_SETS, updated));
  }
  return wait === undefined ? undefined : { requeueAfterMs: wait };
}
