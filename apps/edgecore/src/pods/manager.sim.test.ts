import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionsError, InvalidPodSpecError } from '../errors';
import { SimulatedRuntime } from '../runtime';
import { PodManager } from './manager';
import type { PodManagerOptions } from './options';
import { makePod, ObjectStore, statusOf, waitForStatus } from './test-support';

const volumeDir = mkdtempSync(join(tmpdir(), 'kedge-pods-sim-'));
const managers: PodManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});
afterAll(() => rmSync(volumeDir, { recursive: true, force: true }));

function manager(
  runtime: SimulatedRuntime,
  store = new ObjectStore(),
  extra: Partial<PodManagerOptions> = {},
): PodManager {
  const m = new PodManager({
    runtime,
    nodeName: 'sim-node',
    resolve: store.resolve,
    volumeDir,
    hostIP: '192.0.2.10',
    crashBackoffBaseMs: 50,
    imageBackoffBaseMs: 50,
    ...extra,
  });
  managers.push(m);
  return m;
}

describe('PodManager on SimulatedRuntime', () => {
  it('runs a pod and reports kubelet-shaped status', async () => {
    const m = manager(new SimulatedRuntime());
    await m.start();
    const pod = makePod('web', [
      { name: 'app', image: 'nginx:1.27', resources: { limits: { cpu: '100m', memory: '32Mi' } } },
    ]);
    m.upsertPod(pod);
    const status = await waitForStatus(m, pod.metadata.uid, (s) => s.phase === 'Running');
    expect(status.podIP).toMatch(/^10\.244\./);
    expect(status.hostIP).toBe('192.0.2.10');
    expect(status.qosClass).toBe('Guaranteed');
    expect(status.conditions.map((c) => [c.type, c.status])).toEqual([
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    const app = statusOf(status, 'app');
    expect(app.containerID).toMatch(/^simulated:\/\/[0-9a-f]{64}$/);
    expect(app).toMatchObject({ ready: true, started: true, restartCount: 0, image: 'nginx:1.27' });
  });

  it('restarts a failing image with growing back-off (CrashLoopBackOff)', async () => {
    const m = manager(new SimulatedRuntime({ failingImages: ['crash:1'] }));
    await m.start();
    const pod = makePod('crash', [{ name: 'c', image: 'crash:1' }]);
    m.upsertPod(pod);
    const status = await waitForStatus(
      m,
      pod.metadata.uid,
      (s) => statusOf(s, 'c').restartCount >= 3 && statusOf(s, 'c').state.waiting?.reason === 'CrashLoopBackOff',
    );
    const c = statusOf(status, 'c');
    expect(c.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c.state.waiting?.message).toContain('back-off');
    expect(status.phase).toBe('Running');
  });

  it('ends a Never pod with a failing image as Failed, without restarts', async () => {
    const m = manager(new SimulatedRuntime({ failingImages: ['crash:1'] }));
    await m.start();
    const never = makePod('never', [{ name: 'c', image: 'crash:1' }], { restartPolicy: 'Never' });
    m.upsertPod(never);
    const failed = await waitForStatus(m, never.metadata.uid, (s) => s.phase === 'Failed');
    expect(statusOf(failed, 'c').state.terminated?.exitCode).toBe(1);
    expect(statusOf(failed, 'c').restartCount).toBe(0);
  });

  it('shows ErrImagePull then ImagePullBackOff for an absent image', async () => {
    const m = manager(new SimulatedRuntime({ presentImages: ['pause:1'] }));
    await m.start();
    const pod = makePod('pull', [{ name: 'c', image: 'absent:1' }]);
    m.upsertPod(pod);
    await waitForStatus(m, pod.metadata.uid, (s) => statusOf(s, 'c').state.waiting?.reason === 'ErrImagePull');
    const s = await waitForStatus(
      m,
      pod.metadata.uid,
      (st) => statusOf(st, 'c').state.waiting?.reason === 'ImagePullBackOff',
    );
    expect(s.phase).toBe('Pending');
    const never = makePod('never-pull', [{ name: 'c', image: 'absent:2', imagePullPolicy: 'Never' }], {
      restartPolicy: 'Never',
    });
    m.upsertPod(never);
    await waitForStatus(m, never.metadata.uid, (st) => statusOf(st, 'c').state.waiting?.reason === 'ErrImageNeverPull');
  });

  it('waits on a missing ConfigMap key, then starts when it appears, and writes volumes', async () => {
    const store = new ObjectStore();
    const m = manager(new SimulatedRuntime(), store);
    await m.start();
    const pod = makePod(
      'cfg',
      [
        {
          name: 'c',
          image: 'app:1',
          env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
          volumeMounts: [{ name: 'v', mountPath: '/etc/app' }],
        },
      ],
      {
        volumes: [{ name: 'v', configMap: { name: 'settings', optional: true } }],
      },
    );
    m.upsertPod(pod);
    const waiting = await waitForStatus(
      m,
      pod.metadata.uid,
      (s) => statusOf(s, 'c').state.waiting?.reason === 'CreateContainerConfigError',
    );
    expect(statusOf(waiting, 'c').state.waiting?.message).toContain('ConfigMap default/settings');
    store.set('ConfigMap', 'default', 'settings', { mode: 'fast' });
    await m.configChanged('ConfigMap', 'default', 'settings');
    await waitForStatus(m, pod.metadata.uid, (s) => s.phase === 'Running');
    const file = join(volumeDir, 'pods', pod.metadata.uid, 'volumes', 'kubernetes.io~configmap', 'v', 'mode');
    expect(readFileSync(file, 'utf8')).toBe('fast');
  });

  it('adopts running containers: a new manager keeps them and reports the same status', async () => {
    const runtime = new SimulatedRuntime();
    const first = manager(runtime);
    await first.start();
    const pod = makePod('adopt', [{ name: 'c', image: 'app:1' }]);
    first.upsertPod(pod);
    const before = await waitForStatus(first, pod.metadata.uid, (s) => s.phase === 'Running');
    await first.stop();
    const second = manager(runtime);
    second.upsertPod({ ...pod, status: before });
    await second.start();
    const after = await waitForStatus(second, pod.metadata.uid, (s) => s.phase === 'Running');
    expect(after).toEqual(before);
  });

  it('removes a pod: containers gone, volume dir gone, onRemoved fired', async () => {
    const runtime = new SimulatedRuntime();
    const m = manager(runtime);
    await m.start();
    const pod = makePod('rm', [{ name: 'c', image: 'app:1' }], { volumes: [{ name: 'scratch', emptyDir: {} }] });
    m.upsertPod(pod);
    await waitForStatus(m, pod.metadata.uid, (s) => s.phase === 'Running');
    const removed = new Promise((resolve) => m.onRemoved(resolve));
    await m.removePod(pod.metadata.uid);
    await expect(removed).resolves.toEqual({ uid: pod.metadata.uid, namespace: 'default', name: pod.metadata.name });
    expect(await runtime.listContainers({ nodeName: 'sim-node', podUid: pod.metadata.uid })).toEqual([]);
    expect(() => readFileSync(join(volumeDir, 'pods', pod.metadata.uid))).toThrow();
  });

  it('replaces a container whose spec changed and removes a pod marked for deletion', async () => {
    const runtime = new SimulatedRuntime();
    const m = manager(runtime);
    await m.start();
    const pod = makePod('spec', [{ name: 'c', image: 'app:1' }]);
    m.upsertPod(pod);
    const first = await waitForStatus(m, pod.metadata.uid, (s) => s.phase === 'Running');
    // The same spec again (a status echo from the cloud) costs no runtime call, once start-up events settled.
    await new Promise((r) => setTimeout(r, 50));
    const list = vi.spyOn(runtime, 'listContainers');
    m.upsertPod({ ...pod, metadata: { ...pod.metadata, resourceVersion: '2' }, status: first });
    // A sync would have listed synchronously, before its first await.
    expect(list).not.toHaveBeenCalled();
    list.mockRestore();
    m.upsertPod({ ...pod, spec: { ...pod.spec, containers: [{ name: 'c', image: 'app:2' }] } });
    const second = await waitForStatus(
      m,
      pod.metadata.uid,
      (s) => statusOf(s, 'c').image === 'app:2' && statusOf(s, 'c').state.running !== undefined,
    );
    expect(statusOf(second, 'c').restartCount).toBe(1);
    expect(statusOf(second, 'c').containerID).not.toBe(statusOf(first, 'c').containerID);
    const removed = new Promise((resolve) => m.onRemoved(resolve));
    m.upsertPod({
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 0 },
    });
    await removed;
    expect(m.status(pod.metadata.uid)).toBeUndefined();
  });

  it('recreates a dead sandbox and restarts the containers that lost their network', async () => {
    const runtime = new SimulatedRuntime();
    const m = manager(runtime);
    await m.start();
    const pod = makePod('sandbox', [{ name: 'c', image: 'app:1' }]);
    m.upsertPod(pod);
    const before = await waitForStatus(m, pod.metadata.uid, (s) => s.phase === 'Running');
    const listed = await runtime.listContainers({ nodeName: 'sim-node', podUid: pod.metadata.uid });
    const sandbox = listed.find((c) => c.labels.kind === 'sandbox');
    await runtime.stopContainer(sandbox?.id ?? '', 0);
    const after = await waitForStatus(
      m,
      pod.metadata.uid,
      (s) => statusOf(s, 'c').restartCount === 1 && s.phase === 'Running',
    );
    expect(after.podIP).not.toBe(before.podIP);
    const now = await runtime.listContainers({ nodeName: 'sim-node', podUid: pod.metadata.uid });
    expect(now.filter((c) => c.labels.kind === 'sandbox').map((c) => [c.status, c.labels.restartCount])).toEqual([
      ['running', 1],
    ]);
  });

  it('removes containers of pods nobody upserted once orphanGraceMs has passed', async () => {
    const runtime = new SimulatedRuntime();
    const first = manager(runtime);
    await first.start();
    const pod = makePod('orphan', [{ name: 'c', image: 'app:1' }]);
    first.upsertPod(pod);
    await waitForStatus(first, pod.metadata.uid, (s) => s.phase === 'Running');
    await first.stop();
    const second = manager(runtime, new ObjectStore(), { orphanGraceMs: 1, resyncIntervalMs: 20 });
    const removed = new Promise((resolve) => second.onRemoved(resolve));
    await second.start();
    await expect(removed).resolves.toMatchObject({ uid: pod.metadata.uid, name: pod.metadata.name });
    expect(await runtime.listContainers({ nodeName: 'sim-node', podUid: pod.metadata.uid })).toEqual([]);
  });

  it('rejects bad pods and bad options with the field to fix', () => {
    const m = manager(new SimulatedRuntime());
    expect(() => m.upsertPod(makePod('bad', []))).toThrow(InvalidPodSpecError);
    expect(() =>
      m.upsertPod(
        makePod('bad', [
          { name: 'a', image: 'x:1' },
          { name: 'a', image: 'y:1' },
        ]),
      ),
    ).toThrow(/used twice/);
    expect(() => m.upsertPod(makePod('other', [{ name: 'a', image: 'x:1' }], { nodeName: 'elsewhere' }))).toThrow(
      /not this node/,
    );
    expect(() => manager(new SimulatedRuntime(), new ObjectStore(), { volumeDir: 'relative' })).toThrow(
      InvalidOptionsError,
    );
    expect(() => manager(new SimulatedRuntime(), new ObjectStore(), { crashBackoffBaseMs: -1 })).toThrow(
      /crashBackoffBaseMs/,
    );
  });
});
