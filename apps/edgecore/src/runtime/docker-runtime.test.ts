import { ensureDockerTestImage, freePort, TEST_IMAGE } from '@kedge/testkit';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagePullError, InvalidOptionsError, RuntimeUnavailableError } from '../errors';
import { DockerRuntime } from './docker-runtime';
import { PodBridge } from './pod-network/pod-bridge';
import { podHosts, podResolvConf } from './pod-network/pod-etc-files';
import type { ContainerLabels, RuntimeEvent, SandboxSpec } from './types';

const nodeName = `rt-test-${process.pid}`;
const runtime = new DockerRuntime();

function labels(podUid: string, kind: ContainerLabels['kind'], containerName = ''): ContainerLabels {
  return {
    nodeName,
    podUid,
    podName: 'p',
    podNamespace: 'default',
    containerName,
    kind,
    restartCount: 0,
    specHash: 'h1',
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  await ensureDockerTestImage();
}, 120_000);

const podFilesDir = mkdtempSync(join(tmpdir(), 'kedge-rt-pod-files-'));
const bridgedRuntime = () => new DockerRuntime({ podBridge: new PodBridge({ nodeName, filesDir: podFilesDir }) });

afterAll(async () => {
  const cleaner = bridgedRuntime();
  for (const c of await cleaner.listContainers({ nodeName })) await cleaner.removeContainer(c.id);
  rmSync(podFilesDir, { recursive: true, force: true });
});

describe('DockerRuntime', () => {
  it('reports version, node resources and images', async () => {
    expect((await runtime.version()).name).toBe('docker');
    const { version, containerRuntimeVersion } = await runtime.version();
    expect(version).toMatch(/^\d+\.\d+/);
    expect(containerRuntimeVersion).toBe(`docker://${version}`);
    expect(runtime.nodeResources().cpuCount).toBeGreaterThan(0);
    const image = await runtime.inspectImage(TEST_IMAGE);
    expect(image?.id).toMatch(/^sha256:/);
    expect(image?.ref).toMatch(/^docker(-pullable)?:\/\//);
    expect(await runtime.inspectImage('kedge.local/absent:404')).toBeUndefined();
    await expect(runtime.pullImage('kedge.local/absent:404')).rejects.toBeInstanceOf(ImagePullError);
  });

  it(
    'runs a sandbox and a container in its network, execs, stops with grace and removes',
    { timeout: 30_000 },
    async () => {
      const uid = `rt-${Date.now()}`;
      const events: RuntimeEvent[] = [];
      const unsubscribe = runtime.subscribe(nodeName, (e) => events.push(e));
      try {
        await until(() => events.some((e) => e.kind === 'resync'));
        const sandboxId = await runtime.createSandbox({
          name: `kedge-rt-sb-${uid}`,
          image: TEST_IMAGE,
          labels: labels(uid, 'sandbox'),
          hostname: 'p',
          hostNetwork: false,
          ports: [],
        });
        expect((await runtime.inspectContainer(sandboxId))?.state.status).toBe('created');
        // The pod manager creates containers while their sandbox starts: the engine must accept that.
        const creating = runtime.createContainer({
          name: `kedge-rt-app-${uid}`,
          image: TEST_IMAGE,
          labels: labels(uid, 'app', 'app'),
          entrypoint: ['sh', '-c'],
          cmd: [
            'trap "exit 7" TERM; echo served > /tmp/index.html; httpd -p 8081 -h /tmp; while true; do sleep 0.1; done',
          ],
          env: ['GREETING=hi'],
          mounts: [],
          sandboxId,
          memoryBytes: 32 * 1024 * 1024,
        });
        const [sandbox, id] = await Promise.all([runtime.startSandbox(sandboxId), creating]);
        expect(sandbox.state.status).toBe('running');
        expect(sandbox.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        await runtime.startContainer(id);
        const exec = await runtime.exec(id, ['sh', '-c', 'echo $GREETING; ip addr | grep -c inet'], 5_000);
        expect(exec).toMatchObject({ exitCode: 0, timedOut: false });
        expect(exec.output).toMatch(/^hi\n/);
        // Same network namespace: the sandbox reaches the app's server on localhost.
        const fetch = 'for i in $(seq 1 50); do wget -q -O - http://127.0.0.1:8081/ && exit 0; sleep 0.1; done; exit 1';
        expect(await runtime.exec(sandbox.id, ['sh', '-c', fetch], 8_000)).toMatchObject({
          exitCode: 0,
          output: 'served\n',
        });
        expect((await runtime.exec(id, ['sh', '-c', 'exit 4'], 5_000)).exitCode).toBe(4);
        expect((await runtime.exec(id, ['sleep', '5'], 200)).timedOut).toBe(true);

        const listed = await runtime.listContainers({ nodeName, podUid: uid });
        expect(listed.map((c) => c.labels.kind).sort()).toEqual(['app', 'sandbox']);
        const started = Date.now();
        await runtime.stopContainer(id, 10);
        expect(Date.now() - started).toBeLessThan(8_000);
        const stopped = await runtime.inspectContainer(id);
        expect(stopped?.state).toMatchObject({ status: 'exited', exitCode: 7, oomKilled: false });
        expect(stopped?.labels).toEqual(labels(uid, 'app', 'app'));
        await until(() => events.some((e) => e.kind === 'die' && e.containerId === id && e.podUid === uid));
        await runtime.stopContainer(id, 1);
        await runtime.removeContainer(id);
        await runtime.removeContainer(sandbox.id);
        await runtime.removeContainer(sandbox.id);
        expect(await runtime.inspectContainer(id)).toBeUndefined();
      } finally {
        unsubscribe();
      }
    },
  );

  it(
    "puts pods on edgecore's bridge: own address and /etc files, reachable from the node and other pods, freed on removal",
    { timeout: 30_000 },
    async () => {
      const onBridge = bridgedRuntime();
      const startPod = async (uid: string) => {
        const spec: SandboxSpec = {
          name: `kedge-rt-br-${uid}`,
          image: TEST_IMAGE,
          labels: labels(uid, 'sandbox'),
          hostname: uid,
          hostNetwork: false,
          ports: [],
        };
        const sandboxId = await onBridge.createSandbox(spec);
        const appId = await onBridge.createContainer({
          name: `kedge-rt-br-app-${uid}`,
          image: TEST_IMAGE,
          labels: labels(uid, 'app', 'app'),
          entrypoint: ['httpd', '-f', '-p', '8082', '-h', '/etc'],
          env: [],
          mounts: [],
          sandboxId,
        });
        const sandbox = await onBridge.startSandbox(sandboxId);
        await onBridge.startContainer(appId);
        return { sandbox, appId };
      };
      const stamp = Date.now();
      const a = await startPod(`bra-${stamp}`);
      const b = await startPod(`brb-${stamp}`);
      expect(a.sandbox.ip).toMatch(/^10\.88\.\d+\.\d+$/);
      expect(b.sandbox.ip).not.toBe(a.sandbox.ip);
      const ipA = a.sandbox.ip as string;
      // From the node, over the bridge: the pod's own /etc/hosts names it.
      let hosts = '';
      await until(async () => {
        hosts = await fetch(`http://${ipA}:8082/hosts`).then(
          (r) => r.text(),
          () => '',
        );
        return hosts !== '';
      });
      expect(hosts).toBe(podHosts(ipA, `bra-${stamp}`));
      const resolv = await onBridge.exec(a.appId, ['cat', '/etc/resolv.conf'], 5_000);
      expect(resolv.output).toBe(podResolvConf());
      // From the other pod, across the bridge.
      const hostname = await onBridge.exec(b.appId, ['wget', '-q', '-O', '-', `http://${ipA}:8082/hostname`], 5_000);
      expect(hostname.output.trim()).toBe(`bra-${stamp}`);

      // A restarted edgecore finds the address on the label and frees it with the sandbox.
      const restarted = bridgedRuntime();
      expect((await restarted.inspectContainer(a.sandbox.id))?.ip).toBe(ipA);
      const claim = join('/var/lib/kedge/ipam/kedge0', ipA);
      expect(existsSync(claim)).toBe(true);
      await restarted.removeContainer(a.appId);
      await restarted.removeContainer(a.sandbox.id);
      expect(existsSync(claim)).toBe(false);
      expect(existsSync(join(podFilesDir, `kedge-rt-br-bra-${stamp}`))).toBe(false);
    },
  );

  it("keeps pods with a hostPort on Docker's network, which maps the port", async () => {
    const onBridge = bridgedRuntime();
    const uid = `brport-${Date.now()}`;
    const sandboxId = await onBridge.createSandbox({
      name: `kedge-rt-br-${uid}`,
      image: TEST_IMAGE,
      labels: labels(uid, 'sandbox'),
      hostname: uid,
      hostNetwork: false,
      ports: [{ containerPort: 80, protocol: 'TCP', hostPort: await freePort('0.0.0.0') }],
    });
    const sandbox = await onBridge.startSandbox(sandboxId);
    expect(sandbox.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sandbox.ip).not.toMatch(/^10\.88\./);
    await onBridge.removeContainer(sandboxId);
  });

  it('names what is wrong when Docker is unreachable or options are bad', async () => {
    const broken = new DockerRuntime({ socketPath: '/nonexistent/docker.sock' });
    await expect(broken.version()).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(broken.version()).rejects.toThrow(/start dockerd or set the runtime socket path/);
    expect(() => new DockerRuntime({ pullTimeoutMs: 0 })).toThrow(InvalidOptionsError);
  });
});
