// Test support: a real kube-lite (SQLite store, in-process API) in a temp
// dir with only the controllers a test names, plus small "kubelet" helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite } from '../../kube-lite';
import type { Controller, ControllerApi, KubeObject } from '../api';
import { LEASES, NODES, PODS } from '../runtime/resources';
import { clone, nowIso } from '../util/objects';
import { withCondition, conditionsOf } from '../util/pods';

export interface TestCluster {
  api: ControllerApi;
  /** Rejects when a started controller fails. */
  failed: Promise<never>;
  stop(): Promise<void>;
}

export async function startTestCluster(controllers: Controller[]): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kube-lite-ctl-'));
  const kube = await startKubeLite({ dataDir, port: 0, controllers: false, log: () => {} });
  const abort = new AbortController();
  const runs = controllers.map((c) => c.start(kube.api, abort.signal));
  const failed = Promise.race(runs).then(() => new Promise<never>(() => {}));
  failed.catch(() => {});
  return {
    api: kube.api,
    failed,
    async stop() {
      abort.abort();
      await Promise.allSettled(runs);
      await kube.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface NodeSpec {
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
  cpu?: string;
  memory?: string;
  pods?: string;
  ready?: 'True' | 'False' | 'Unknown';
}

/** Registers a node with allocatable resources and a Ready condition, as a kubelet would. */
export function addNode(api: ControllerApi, name: string, spec: NodeSpec = {}): KubeObject {
  const nodeSpec: Record<string, unknown> = {};
  if (spec.taints) nodeSpec.taints = spec.taints;
  if (spec.unschedulable) nodeSpec.unschedulable = true;
  const created = api.create(NODES, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...spec.labels } },
    spec: nodeSpec,
  });
  const now = nowIso();
  created.status = {
    allocatable: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110' },
    capacity: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110' },
    conditions: [
      {
        type: 'Ready',
        status: spec.ready ?? 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
  };
  return api.updateStatus(NODES, created);
}

/** Marks a pod Running and Ready, as its node's agent would. */
export function markPodReady(api: ControllerApi, pod: KubeObject): KubeObject {
  const updated = clone(pod);
  const now = nowIso();
  let conditions = conditionsOf(pod);
  for (const type of ['Initialized', 'ContainersReady', 'Ready'])
    conditions = withCondition(conditions, { type, status: 'True' }, now);
  updated.status = { ...(updated.status as object), phase: 'Running', conditions };
  return api.updateStatus(PODS, updated);
}

/** Renews (or creates) the node's Lease in kube-node-lease. */
export function renewLease(api: ControllerApi, node: string): void {
  const renewTime = new Date().toISOString().replace('Z', '000Z');
  const existing = api.get(LEASES, 'kube-node-lease', node);
  if (existing) {
    api.update(LEASES, { ...existing, spec: { ...(existing.spec as object), renewTime } });
    return;
  }
  api.create(LEASES, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: node, namespace: 'kube-node-lease' },
    spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime },
  });
}

export const podsOf = (api: ControllerApi, namespace: string): KubeObject[] => api.list(PODS, { namespace }).items;

/**
 * A stand-in for every node's agent: pods become Running and Ready as soon as
 * they exist (and `ready(pod)` allows), and pods being deleted are confirmed
 * gone. Returns stop.
 */
export function startFakeKubelet(api: ControllerApi, ready: (pod: KubeObject) => boolean = () => true): () => void {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    for (const key of pending) {
      pending.delete(key);
      const [namespace, name] = key.split('/') as [string, string];
      const pod = api.get(PODS, namespace, name);
      if (!pod) continue;
      try {
        if (pod.metadata.deletionTimestamp) api.delete(PODS, namespace, name, { gracePeriodSeconds: 0 });
        else if (ready(pod) && conditionsOf(pod).find((c) => c.type === 'Ready')?.status !== 'True')
          markPodReady(api, pod);
      } catch {
        pending.add(key);
      }
    }
    if (pending.size > 0) timer = setTimeout(flush, 10);
  };
  const stop = api.watch(PODS, (event) => {
    if (event.type === 'DELETED') return;
    pending.add(`${event.object.metadata.namespace}/${event.object.metadata.name}`);
    timer ??= setTimeout(flush, 5);
  });
  return () => {
    stop();
    clearTimeout(timer);
  };
}
