import { describe, expect, it } from 'vitest';
import { ImagePullError, InvalidOptionsError, RuntimeOperationError } from '../errors';
import { SIMULATED_STOP_EXIT_CODE, SimulatedRuntime } from './simulated-runtime';
import type { ContainerLabels, RuntimeEvent } from './types';

const labels = (podUid: string, kind: ContainerLabels['kind'], nodeName = 'n1'): ContainerLabels => ({
  nodeName,
  podUid,
  podName: 'p',
  podNamespace: 'default',
  containerName: kind === 'sandbox' ? '' : 'c',
  kind,
  restartCount: 0,
  specHash: 'h',
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SimulatedRuntime', () => {
  it('runs containers until stopped and reports events per node', async () => {
    const rt = new SimulatedRuntime();
    const events: RuntimeEvent[] = [];
    const off = rt.subscribe('n1', (e) => events.push(e));
    const sandboxId = await rt.createSandbox({
      name: 'sb',
      image: 'any:1',
      labels: labels('u1', 'sandbox'),
      hostname: 'p',
      hostNetwork: false,
      ports: [],
    });
    expect((await rt.inspectContainer(sandboxId))?.state.status).toBe('created');
    const sb = await rt.startSandbox(sandboxId);
    expect(sb.state.status).toBe('running');
    expect(sb.ip).toBe('10.244.0.2');
    const id = await rt.createContainer({
      name: 'c',
      image: 'any:1',
      labels: labels('u1', 'app'),
      env: [],
      mounts: [],
      sandboxId: sb.id,
    });
    await rt.startContainer(id);
    expect((await rt.inspectContainer(id))?.state.status).toBe('running');
    expect(await rt.exec(id, ['true'], 1000)).toEqual({ exitCode: 0, output: '', timedOut: false });
    await rt.stopContainer(id, 30);
    expect((await rt.inspectContainer(id))?.state).toMatchObject({
      status: 'exited',
      exitCode: SIMULATED_STOP_EXIT_CODE,
    });
    await expect(rt.exec(id, ['true'], 1000)).rejects.toBeInstanceOf(RuntimeOperationError);
    expect((await rt.listContainers({ nodeName: 'n1', podUid: 'u1' })).length).toBe(2);
    expect(await rt.listContainers({ nodeName: 'other' })).toEqual([]);
    await rt.removeContainer(id);
    await rt.removeContainer(id);
    await flush();
    expect(events.map((e) => e.kind)).toEqual(['resync', 'start', 'start', 'die', 'destroy']);
    off();
    expect(rt.nodeResources()).toEqual({ cpuCount: 4, memoryBytes: 4 * 1024 ** 3 });
    expect(await rt.version()).toEqual({
      name: 'simulated',
      version: '1.0.0',
      containerRuntimeVersion: 'simulated://1.0.0',
    });
  });

  it('lists one node of a runtime shared by many, until its containers are removed', async () => {
    const rt = new SimulatedRuntime();
    const sandbox = (podUid: string, nodeName: string) =>
      rt.createSandbox({
        name: `sb-${podUid}`,
        image: 'any:1',
        labels: labels(podUid, 'sandbox', nodeName),
        hostname: 'p',
        hostNetwork: false,
        ports: [],
      });
    const a1 = await sandbox('a1', 'node-a');
    await sandbox('a2', 'node-a');
    const b1 = await sandbox('b1', 'node-b');
    const podsOf = async (nodeName: string, podUid?: string) =>
      (await rt.listContainers({ nodeName, podUid })).map((c) => c.labels.podUid).sort();
    expect(await podsOf('node-a')).toEqual(['a1', 'a2']);
    expect(await podsOf('node-b')).toEqual(['b1']);
    // A pod uid asked of the wrong node is not there.
    expect(await podsOf('node-a', 'b1')).toEqual([]);
    await rt.removeContainer(a1);
    await rt.removeContainer(b1);
    expect(await podsOf('node-a')).toEqual(['a2']);
    expect(await podsOf('node-b')).toEqual([]);
  });

  it('fails configured images at start, refuses absent images, never pulls', async () => {
    const rt = new SimulatedRuntime({ presentImages: ['ok:1', 'bad:1'], failingImages: ['bad:1'] });
    expect(await rt.inspectImage('absent:1')).toBeUndefined();
    await expect(rt.pullImage('absent:1')).rejects.toBeInstanceOf(ImagePullError);
    await expect(
      rt.createContainer({
        name: 'x',
        image: 'absent:1',
        labels: labels('u', 'app'),
        env: [],
        mounts: [],
        sandboxId: 's',
      }),
    ).rejects.toThrow(/No such image/);
    const id = await rt.createContainer({
      name: 'y',
      image: 'bad:1',
      labels: labels('u', 'app'),
      env: [],
      mounts: [],
      sandboxId: 's',
    });
    await rt.startContainer(id);
    expect((await rt.inspectContainer(id))?.state).toMatchObject({ status: 'exited', exitCode: 1 });
    await expect(
      rt.createContainer({ name: 'y', image: 'ok:1', labels: labels('u', 'app'), env: [], mounts: [], sandboxId: 's' }),
    ).rejects.toThrow(/already in use/);
    expect(() => new SimulatedRuntime({ podNetworkOctet: 300 })).toThrow(InvalidOptionsError);
  });
});
