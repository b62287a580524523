/**
 * The Node object of an edge node: created at join (with the join labels)
 * or at connect, Ready=True while connected, status from the edge's node
 * status frames. Status writes read, merge and replace, which every API
 * server supports; a conflict is retried once with a fresh read.
 */
import type { CoreV1Api, V1Node, V1NodeCondition, V1NodeStatus } from '@kubernetes/client-node';
import type { DirectApi } from '../direct-api';
import { MERGE_PATCH, isConflict, isNotFound } from '../kube';

export const EDGE_ROLE_LABEL = 'node-role.kubernetes.io/edge';

function baseLabels(nodeName: string): Record<string, string> {
  return { [EDGE_ROLE_LABEL]: '', 'kubernetes.io/hostname': nodeName };
}

/** Creates the Node if absent; adds `labels` that differ. Returns the current object. */
export async function ensureNode(
  core: CoreV1Api,
  nodeName: string,
  labels: Readonly<Record<string, string>>,
): Promise<V1Node> {
  const wanted = { ...baseLabels(nodeName), ...labels };
  let node: V1Node;
  try {
    node = await core.readNode({ name: nodeName });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      return await core.createNode({
        body: { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: wanted } },
      });
    } catch (createErr) {
      if (!isConflict(createErr)) throw createErr;
      node = await core.readNode({ name: nodeName });
    }
  }
  const missing = missingLabels(node, wanted);
  if (missing.length === 0) return node;
  return patchLabels(core, nodeName, Object.fromEntries(missing));
}

function missingLabels(node: V1Node, wanted: Readonly<Record<string, string>>): [string, string][] {
  const current = node.metadata?.labels ?? {};
  return Object.entries(wanted).filter(([k, v]) => current[k] !== v);
}

/**
 * The Node for looking at, read without the generated client when `direct`
 * is given: a connect and a reconnect's node status read it once each, and
 * after a replica restart every node does both at once. Its times are JSON
 * strings, so it must not be passed to writeNodeStatus as `known`.
 */
export async function peekNode(core: CoreV1Api, direct: DirectApi | undefined, nodeName: string): Promise<V1Node> {
  return direct ? direct.get<V1Node>(`/api/v1/nodes/${nodeName}`) : core.readNode({ name: nodeName });
}

/**
 * The Node of a connecting edge: created or labelled if it must be
 * (ensureNode), read with peekNode when it is already as it should be.
 */
export async function nodeOnConnect(core: CoreV1Api, direct: DirectApi | undefined, nodeName: string): Promise<V1Node> {
  if (!direct) return ensureNode(core, nodeName, {});
  const node = await peekNode(core, direct, nodeName).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  return node && missingLabels(node, baseLabels(nodeName)).length === 0 ? node : ensureNode(core, nodeName, {});
}

export function patchLabels(core: CoreV1Api, nodeName: string, labels: Record<string, string>): Promise<V1Node> {
  return core.patchNode({ name: nodeName, body: { metadata: { labels } } }, MERGE_PATCH);
}

function readyCondition(now: Date, previous: V1NodeCondition | undefined): V1NodeCondition {
  const transitioned = previous?.status !== 'True';
  return {
    type: 'Ready',
    status: 'True',
    reason: 'KedgeEdgeConnected',
    message: 'edge node is connected to cloudcore',
    lastHeartbeatTime: now,
    lastTransitionTime: transitioned ? now : (previous?.lastTransitionTime ?? now),
  };
}

/** Conditions by type: `update` wins over `base`, Ready comes from the connection. */
function mergeConditions(
  base: V1NodeCondition[] | undefined,
  update: V1NodeCondition[] | undefined,
  now: Date,
): V1NodeCondition[] {
  const byType = new Map<string, V1NodeCondition>();
  for (const c of base ?? []) byType.set(c.type, c);
  for (const c of update ?? []) byType.set(c.type, c);
  byType.set(
    'Ready',
    readyCondition(
      now,
      (base ?? []).find((c) => c.type === 'Ready'),
    ),
  );
  return [...byType.values()];
}

/** Whether the Node shows the edge connected: Ready=True, as cloudcore writes it. */
export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Whether writing `status` would change anything but heartbeat times: the
 * same fields, equal, and Ready already True. A reconnect reports the same
 * status again; skipping it spares an API write per node in a storm.
 */
export function statusUnchanged(node: V1Node, status: V1NodeStatus): boolean {
  if (!isReady(node)) return false;
  const current = (node.status ?? {}) as Record<string, unknown>;
  return (
    Object.entries(status).every(
      ([field, value]) => field === 'conditions' || canonical(current[field]) === canonical(value),
    ) && conditionsUnchanged(node.status?.conditions, status.conditions)
  );
}

function conditionsUnchanged(current: V1NodeCondition[] | undefined, reported: V1NodeCondition[] | undefined): boolean {
  const strip = (c: V1NodeCondition) =>
    canonical({ ...c, lastHeartbeatTime: undefined, lastTransitionTime: undefined });
  const have = new Map((current ?? []).map((c) => [c.type, strip(c)]));
  return (reported ?? []).every((c) => c.type === 'Ready' || have.get(c.type) === strip(c));
}

/** JSON with sorted keys, dates as ISO strings: what the API server would store. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
        : v,
    ) ?? 'undefined'
  );
}

/**
 * Writes `status` (may be partial) over the Node's status with Ready=True.
 * Starts from `known` when the caller just read the Node; a conflict re-reads.
 */
export async function writeNodeStatus(
  core: CoreV1Api,
  nodeName: string,
  status: V1NodeStatus = {},
  known?: V1Node,
): Promise<V1Node> {
  let node = known ?? (await core.readNode({ name: nodeName }));
  for (let attempt = 0; ; attempt++) {
    const conditions = mergeConditions(node.status?.conditions, status.conditions, new Date());
    try {
      return await core.replaceNodeStatus({
        name: nodeName,
        body: { ...node, status: { ...node.status, ...status, conditions } },
      });
    } catch (err) {
      if (!isConflict(err) || attempt >= 2) throw err;
      node = await core.readNode({ name: nodeName });
    }
  }
}
