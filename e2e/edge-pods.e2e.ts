// Edge pods end to end over real processes: a Kubernetes API (kube-lite, or
// E2E_KUBECONFIG), cloudcore and two edgecores (edge-1 on Docker, edge-2 on
// the simulated runtime) joined with a bootstrap token through the `kedge`
// CLI. A Deployment pinned to edge-1 runs under Docker and survives an
// edgecore kill -9 while the cloud is down, and a host reboot (dockerd
// restarted while edgecore is down); a DaemonSet lands on both nodes;
// a pod bound to edge-2 never reaches edge-1; deleting the Deployment
// removes its containers and pods.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartDockerEngine, waitFor } from '@kedge/testkit';
import { dockerIds, Fleet, sh } from './support/fleet';

const fleet = new Fleet();
const EDGE1 = fleet.nodeName('edge-1');
const EDGE2 = fleet.nodeName('edge-2');
const APP = 'edge-web';
const DS = 'edge-agent';
const IMAGE = 'kedge.local/busybox:1';

const podsWith = async (selector: string) =>
  (await fleet.kubectlJson<{ items: V1Pod[] }>(['get', 'pods', '-l', selector])).items;
const appPod = async () => (await podsWith(`app=${APP}`))[0];

beforeAll(async () => {
  await fleet.start([
    { name: EDGE1, runtime: 'docker' },
    { name: EDGE2, runtime: 'simulated' },
  ]);
}, 150_000);

afterAll(() => fleet.stop(), 60_000);

describe('edge pods over real processes', () => {
  it('reports node info for each edge node', async () => {
    const node = await fleet.kubectlJson<V1Node>(['get', 'node', EDGE1]);
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\//);
    expect(node.status?.capacity?.pods).toBe('110');
    expect(node.status?.addresses?.some((a) => a.type === 'Hostname')).toBe(true);
    expect(node.metadata?.labels?.['kubernetes.io/arch']).toMatch(/^(amd64|arm64)$/);
    expect(node.metadata?.labels?.[fleet.fleetLabel.key]).toBe(fleet.fleetLabel.value);
  });

  it('runs a Deployment pinned to edge-1 under Docker', async () => {
    await fleet.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: APP },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: APP } },
        template: {
          metadata: { labels: { app: APP } },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': EDGE1 },
            terminationGracePeriodSeconds: 2,
            containers: [
              {
                name: 'web',
                image: IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['sh', '-c', 'echo ok > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'],
              },
            ],
          },
        },
      },
    });
    const pod = await waitFor(
      async () => {
        const p = await appPod();
        return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
      },
      { description: 'pod 1/1 Running on edge-1', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(pod.spec?.nodeName).toBe(EDGE1);
    const names = await sh('docker', [
      'ps',
      '--format',
      '{{.Names}}',
      '--filter',
      `label=io.kedge.pod.uid=${pod.metadata?.uid}`,
    ]);
    expect(names).toContain(pod.metadata?.name);
    expect(await dockerIds(EDGE2)).toEqual([]);
  });

  it('runs a DaemonSet pod on every edge node of the fleet', async () => {
    await fleet.apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: DS },
      spec: {
        selector: { matchLabels: { app: DS } },
        template: {
          metadata: { labels: { app: DS } },
          spec: {
            nodeSelector: { [fleet.fleetLabel.key]: fleet.fleetLabel.value },
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'agent', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
          },
        },
      },
    });
    // edge-2 runs the simulated runtime: its pod is Running there without a container.
    const pods = await waitFor(
      async () => {
        const list = await podsWith(`app=${DS}`);
        const running = list.filter((p) => p.status?.phase === 'Running');
        return running.length === 2 && list.length === 2 ? running : undefined;
      },
      { description: 'one Running DaemonSet pod on each of edge-1 and edge-2', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual([EDGE1, EDGE2].sort());
    const onEdge1 = pods.find((p) => p.spec?.nodeName === EDGE1);
    const uid = `io.kedge.pod.uid=${onEdge1?.metadata?.uid}`;
    expect(await dockerIds(EDGE1, uid, 'io.kedge.container.kind=app')).toHaveLength(1);
    const ds = await fleet.kubectlJson<V1DaemonSet>(['get', 'daemonset', DS]);
    expect(ds.status?.desiredNumberScheduled).toBe(2);
  });

  it('never sends a pod bound to edge-2 to edge-1', async () => {
    const name = 'only-on-edge-2';
    await fleet.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { nodeName: EDGE2, containers: [{ name: 'c', image: IMAGE, imagePullPolicy: 'IfNotPresent' }] },
    });
    await waitFor(async () => (await fleet.kubectlJson<V1Pod>(['get', 'pod', name])).status?.phase === 'Running', {
      description: 'edge-2 pod Running',
      timeoutMs: 60_000,
      intervalMs: 300,
    });
    const key = `${fleet.namespace}/${name}`;
    // edge-2 acked it (Running came from there), so edge-1 has had every chance to see it.
    expect(await fleet.storedNames(EDGE2, 'Pod')).toContain(key);
    const edge1Pods = await fleet.storedNames(EDGE1, 'Pod');
    expect(edge1Pods).not.toContain(key);
    expect(edge1Pods.length).toBeGreaterThan(0); // the check reads a live store, not an empty one
    expect(await dockerIds(EDGE1, `io.kedge.pod.name=${name}`)).toEqual([]);
    expect(await dockerIds(EDGE2)).toEqual([]);
    expect(fleet.edge(EDGE1).process?.output()).not.toContain(name);
    await fleet.kubectl(['delete', 'pod', name, '--wait=false']);
  });

  it('keeps the containers when edge-1 is killed while the cloud is down, then resyncs', async () => {
    const before = await dockerIds(EDGE1);
    expect(before.length).toBeGreaterThan(0);
    await fleet.stopCloudcore();
    await fleet.kill9Edge(EDGE1);
    await fleet.startEdge(EDGE1);
    // "pods started" is logged after the first reconcile of the pods rebuilt from the store.
    await fleet.edge(EDGE1).process?.waitForLine(/pods started/, 30_000);
    expect((await fleet.edgeHealth(EDGE1)).cloud).not.toBe('synced');
    expect(await dockerIds(EDGE1)).toEqual(before);

    await fleet.startCloudcore();
    await waitFor(async () => (await fleet.edgeHealth(EDGE1)).cloud === 'synced', {
      description: 'edge-1 synced again',
      timeoutMs: 90_000,
      intervalMs: 300,
    });
    expect(await dockerIds(EDGE1)).toEqual(before);
    expect((await appPod())?.status?.phase).toBe('Running');
  });

  it.skipIf(process.getuid?.() !== 0)(
    'rebuilds its pods after a host reboot (dockerd restarted while edgecore is down)',
    async () => {
      const pod = await appPod();
      const before = pod?.status?.containerStatuses?.[0];
      expect(before?.state?.running).toBeDefined();
      await fleet.kill9Edge(EDGE1);
      await restartDockerEngine();
      // Like a reboot, the engine restart stopped every container; nothing starts them but edgecore.
      expect(await dockerIds(EDGE1)).toEqual([]);
      await fleet.startEdge(EDGE1);
      const after = await waitFor(
        async () => {
          const status = (await appPod())?.status?.containerStatuses?.[0];
          return status?.state?.running && status.containerID !== before?.containerID ? status : undefined;
        },
        { description: 'the app container running again under a new id', timeoutMs: 90_000, intervalMs: 500 },
      );
      // The restart the reboot caused is counted, not lost (restartCount never goes back).
      expect(after.restartCount).toBe((before?.restartCount ?? 0) + 1);
      const uid = `io.kedge.pod.uid=${pod?.metadata?.uid}`;
      expect(await dockerIds(EDGE1, uid, 'io.kedge.container.kind=app')).toHaveLength(1);
    },
    180_000,
  );

  it('removes the pods and their containers when the Deployment and DaemonSet are deleted', async () => {
    const uid = (await appPod())?.metadata?.uid;
    await fleet.kubectl(['delete', 'deployment', APP, '--wait=false']);
    await fleet.kubectl(['delete', 'daemonset', DS, '--wait=false']);
    await waitFor(async () => (await dockerIds(EDGE1, `io.kedge.pod.uid=${uid}`)).length === 0, {
      description: 'Deployment containers gone from edge-1',
      timeoutMs: 30_000,
      intervalMs: 300,
    });
    await waitFor(async () => (await fleet.kubectlJson<{ items: V1Pod[] }>(['get', 'pods'])).items.length === 0, {
      description: 'every pod gone from the API',
      timeoutMs: 60_000,
      intervalMs: 300,
    });
    await waitFor(async () => (await dockerIds(EDGE1)).length === 0, {
      description: 'no Kedge container left on edge-1',
      timeoutMs: 30_000,
      intervalMs: 300,
    });
  });
});
