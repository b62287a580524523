import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RuntimeOperationError } from '../errors';
import { SimulatedRuntime, type ContainerInfo, type ContainerSpec, type SandboxSpec } from '../runtime';
import type { Container, Pod, PodStatus } from './kube-types';
import { PodManager } from './manager';
import { makePod, ObjectStore, statusOf, waitForStatus } from './test-support';

// The pod's containers are created while its sandbox starts (the slow step
// on Docker), unless they must wait for it.

/** A simulated engine whose sandboxes take a while to start, and which logs the calls it gets. */
class RecordingRuntime extends SimulatedRuntime {
  readonly calls: string[] = [];
  readonly created = new Map<string, ContainerSpec>();
  imageLookups = 0;
  failSandboxStarts = 0;

  override async inspectImage(image: string) {
    this.imageLookups++;
    return super.inspectImage(image);
  }

  override async createSandbox(spec: SandboxSpec): Promise<string> {
    this.calls.push('createSandbox');
    return super.createSandbox(spec);
  }

  override async startSandbox(id: string): Promise<ContainerInfo> {
    this.calls.push('startSandbox');
    await new Promise((resolve) => setTimeout(resolve, 30));
    if (this.failSandboxStarts > 0) {
      this.failSandboxStarts--;
      await this.removeContainer(id);
      throw new RuntimeOperationError('docker start failed: no sleep in image', { op: 'start', id });
    }
    const info = await super.startSandbox(id);
    this.calls.push('sandboxRunning');
    return info;
  }

  override async createContainer(spec: ContainerSpec): Promise<string> {
    this.calls.push(`create ${spec.labels.containerName}`);
    const id = await super.createContainer(spec);
    this.created.set(id, spec);
    return id;
  }

  override async startContainer(id: string): Promise<void> {
    const name = (await this.inspectContainer(id))?.labels.containerName ?? '';
    this.calls.push(name ? `start ${name}` : 'start sandbox');
    return super.startContainer(id);
  }

  override async removeContainer(id: string): Promise<void> {
    if (this.created.has(id)) this.calls.push(`remove ${this.created.get(id)?.labels.containerName}`);
    return super.removeContainer(id);
  }
}

const volumeDir = mkdtempSync(join(tmpdir(), 'kedge-precreate-'));
const managers: PodManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});
afterAll(() => rmSync(volumeDir, { recursive: true, force: true }));

async function run(runtime: RecordingRuntime, pod: Pod, until = (s: PodStatus) => s.phase === 'Running') {
  const m = new PodManager({
    runtime,
    nodeName: 'sim-node',
    resolve: new ObjectStore().resolve,
    volumeDir,
    crashBackoffBaseMs: 20,
  });
  managers.push(m);
  await m.start();
  m.upsertPod(pod);
  return waitForStatus(m, pod.metadata.uid, until);
}

const app = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'app:1', ...extra });

describe('containers created while the sandbox starts', () => {
  it('creates every app container before the sandbox runs, then only starts them; one image lookup', async () => {
    const runtime = new RecordingRuntime();
    const status = await run(runtime, makePod('early', [app('a'), app('b', { image: 'app:1' })]));
    const calls = runtime.calls.filter((c) => !c.startsWith('start sandbox'));
    const running = calls.indexOf('sandboxRunning');
    expect(calls.slice(0, 2)).toEqual(['createSandbox', 'startSandbox']);
    expect(calls.indexOf('create a')).toBeLessThan(running);
    expect(calls.indexOf('create b')).toBeLessThan(running);
    expect(calls.indexOf('start a')).toBeGreaterThan(running);
    expect(calls.filter((c) => c.startsWith('create ')).length).toBe(2);
    // The sandbox and both containers use app:1: asked about once in the pass.
    expect(runtime.imageLookups).toBe(1);
    expect(statusOf(status, 'a').restartCount).toBe(0);
    expect(statusOf(status, 'b').state.running).toBeDefined();
  });

  it('waits for the sandbox when a container needs the pod IP or its image is pulled', async () => {
    const needsIP = makePod('ip', [
      app('c', { env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }),
    ]);
    const pulled = makePod('always', [app('c', { imagePullPolicy: 'Always' })]);
    for (const pod of [needsIP, pulled]) {
      const runtime = new RecordingRuntime();
      const status = await run(runtime, pod);
      expect(runtime.calls.indexOf('create c')).toBeGreaterThan(runtime.calls.indexOf('sandboxRunning'));
      const spec = [...runtime.created.values()].find((s) => s.labels.containerName === 'c');
      if (pod === needsIP) expect(spec?.env).toContain(`POD_IP=${status.podIP}`);
    }
  });

  it('leaves a pod with init containers to run them first, one by one', async () => {
    const runtime = new RecordingRuntime();
    const pod = makePod('init', [app('c')], { initContainers: [app('setup')] });
    // Simulated containers run until stopped: the init container stays running, the app must not be created.
    await run(runtime, pod, (s) => statusOf(s, 'setup').state.running !== undefined);
    expect(runtime.calls.indexOf('create setup')).toBeGreaterThan(runtime.calls.indexOf('sandboxRunning'));
    expect(runtime.calls).not.toContain('create c');
  });

  it('removes the containers made for a sandbox that failed to start, and runs the pod in the next one', async () => {
    const runtime = new RecordingRuntime();
    runtime.failSandboxStarts = 1;
    const pod = makePod('retry', [app('c')]);
    const status = await run(runtime, pod);
    expect(runtime.calls.indexOf('remove c')).toBeGreaterThan(runtime.calls.indexOf('create c'));
    const listed = await runtime.listContainers({ nodeName: 'sim-node', podUid: pod.metadata.uid });
    expect(listed.map((c) => [c.labels.kind, c.labels.restartCount, c.status]).sort()).toEqual([
      ['app', 0, 'running'],
      ['sandbox', 0, 'running'],
    ]);
    expect(statusOf(status, 'c').restartCount).toBe(0);
  });
});
