import { ensureDockerTestImage, freePort, TEST_IMAGE } from '@kedge/testkit';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DockerRuntime, PodBridge } from '../runtime';
import type { Container } from './kube-types';
import { PodManager } from './manager';
import { makePod, ObjectStore, statusOf, waitForStatus } from './test-support';

// Real Docker, image kedge.local/busybox:1, pods on the edge bridge as
// edgecore runs them. Pods run concurrently to keep the file short.

const nodeName = `pods-test-${process.pid}`;
const adoptNode = `pods-adopt-${process.pid}`;
const volumeDir = mkdtempSync(join(tmpdir(), 'kedge-pods-docker-'));
const runtime = new DockerRuntime({
  podBridge: new PodBridge({ nodeName, filesDir: join(volumeDir, 'pod-network') }),
});
const store = new ObjectStore();
const manager = new PodManager({
  runtime,
  nodeName,
  resolve: store.resolve,
  volumeDir,
  crashBackoffBaseMs: 1_000,
  imageBackoffBaseMs: 400,
  resyncIntervalMs: 5_000,
});

const busybox = (name: string, script: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', script],
  ...extra,
});

/** Runs a shell snippet in the pod's container until it prints what we expect. */
async function execUntil(
  uid: string,
  container: string,
  script: string,
  expected: string,
  timeoutMs = 15_000,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  let output = '';
  while (Date.now() < end) {
    const id = statusOf(manager.status(uid) ?? ({ containerStatuses: [] } as never), container).containerID?.replace(
      'docker://',
      '',
    );
    if (id) {
      output = (await runtime.exec(id, ['sh', '-c', script], 5_000).catch((e: Error) => ({ output: e.message })))
        .output;
      if (output === expected) return output;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`expected ${JSON.stringify(expected)} from ${container}, last output ${JSON.stringify(output)}`);
}

beforeAll(async () => {
  await ensureDockerTestImage();
  await manager.start();
}, 120_000);

afterAll(async () => {
  await manager.stop();
  for (const node of [nodeName, adoptNode]) {
    for (const c of await runtime.listContainers({ nodeName: node })) await runtime.removeContainer(c.id);
  }
  rmSync(volumeDir, { recursive: true, force: true });
}, 60_000);

describe.concurrent('PodManager on Docker', { timeout: 45_000 }, () => {
  it('shares localhost between containers, maps hostPort, and turns Ready on an httpGet readiness probe', async ({
    expect,
  }) => {
    const hostPort = await freePort('0.0.0.0');
    const pod = makePod('net', [
      busybox('server', 'mkdir -p /www && echo hello-kedge > /www/index.html && exec httpd -f -p 8080 -h /www', {
        ports: [{ name: 'http', containerPort: 8080, hostPort }],
        startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 30 },
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
      }),
      busybox('client', 'until wget -q -O /tmp/got http://127.0.0.1:8080/; do sleep 0.2; done; exec sleep 3600'),
    ]);
    manager.upsertPod(pod);
    const status = await waitForStatus(manager, pod.metadata.uid, (s) =>
      s.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(status.phase).toBe('Running');
    expect(status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.podIP).not.toMatch(/^10\.88\./); // a hostPort keeps the pod on Docker's network
    expect(statusOf(status, 'server')).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(statusOf(status, 'server').containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
    expect(statusOf(status, 'server').imageID).toMatch(/^docker(-pullable)?:\/\//);
    await execUntil(pod.metadata.uid, 'client', 'cat /tmp/got', 'hello-kedge\n');
    expect(await (await fetch(`http://127.0.0.1:${hostPort}/`)).text()).toBe('hello-kedge\n');
  });

  it('builds env from ConfigMap, Secret, fields and $(VAR), and propagates ConfigMap volume updates', async () => {
    store.set('ConfigMap', 'default', 'env-cfg', { greeting: 'v1', 'log.level': 'debug' });
    store.set('Secret', 'default', 'env-secret', { token: 's3cret' });
    const pod = makePod(
      'env',
      [
        busybox('app', '', {
          command: ['sleep', '$(NAP)'],
          args: [],
          resources: { limits: { memory: '48Mi', cpu: '250m' } },
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'greeting' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'token' } } },
            { name: 'MISSING', valueFrom: { secretKeyRef: { name: 'nope', key: 'x', optional: true } } },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
            { name: 'NAP', value: '3600' },
            { name: 'MESSAGE', value: '$(GREETING)-$(POD_NAME)-$$(GREETING)-$(UNDEFINED)' },
          ],
          envFrom: [{ configMapRef: { name: 'env-cfg' }, prefix: 'CFG_' }],
          volumeMounts: [{ name: 'config', mountPath: '/etc/cfg' }],
        }),
      ],
      {
        volumes: [
          {
            name: 'config',
            configMap: { name: 'env-cfg', items: [{ key: 'greeting', path: 'greeting.txt', mode: 0o600 }] },
          },
        ],
      },
    );
    pod.metadata.labels = { tier: 'edge' };
    manager.upsertPod(pod);
    const status = await waitForStatus(manager, pod.metadata.uid, (s) => s.phase === 'Running');
    const expected = `v1|s3cret|${pod.metadata.name}|${status.podIP}|edge|v1-${pod.metadata.name}-$(GREETING)-$(UNDEFINED)|v1|unset\n`;
    await execUntil(
      pod.metadata.uid,
      'app',
      'echo "$GREETING|$TOKEN|$POD_NAME|$POD_IP|$TIER|$MESSAGE|$CFG_greeting|${MISSING-unset}"',
      expected,
    );
    // A shell drops names with dots from its environment; PID 1 (sleep, command expanded from $(NAP)) keeps them.
    await execUntil(
      pod.metadata.uid,
      'app',
      'tr "\\0" "\\n" < /proc/1/environ | grep ^CFG_log.level=',
      'CFG_log.level=debug\n',
    );
    await execUntil(
      pod.metadata.uid,
      'app',
      'cat /etc/cfg/greeting.txt; echo; stat -L -c %a /etc/cfg/greeting.txt',
      'v1\n600\n',
    );
    // Limits reach the engine (cgroup v1 and v2 paths).
    const limit = 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max';
    await execUntil(pod.metadata.uid, 'app', limit, `${48 * 1024 * 1024}\n`);
    store.set('ConfigMap', 'default', 'env-cfg', { greeting: 'v2', 'log.level': 'debug' });
    await manager.configChanged('ConfigMap', 'default', 'env-cfg');
    await execUntil(pod.metadata.uid, 'app', 'cat /etc/cfg/greeting.txt; echo " $GREETING"', 'v2 v1\n');
  });

  it('restarts a crashing container with growing back-off: CrashLoopBackOff', async ({ expect }) => {
    const pod = makePod('crash', [busybox('crash', 'echo boom; exit 3')]);
    const waits = new Map<number, string>();
    const off = manager.onStatus((ref, s) => {
      const c = ref.uid === pod.metadata.uid ? statusOf(s, 'crash') : undefined;
      if (c?.state.waiting?.reason === 'CrashLoopBackOff') waits.set(c.restartCount, c.state.waiting.message ?? '');
    });
    manager.upsertPod(pod);
    const status = await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) =>
        statusOf(s, 'crash').restartCount >= 2 && statusOf(s, 'crash').state.waiting?.reason === 'CrashLoopBackOff',
    );
    const crash = statusOf(status, 'crash');
    expect(crash.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    off();
    // First restart at once, then the wait doubles from the 1 s base.
    expect(waits.get(1)).toMatch(/^back-off 1s restarting failed container=crash pod=crash-/);
    expect(waits.get(2)).toMatch(/^back-off 2s /);
    expect(status.phase).toBe('Running');
    expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('restarts a container whose liveness probe fails and holds Ready until readiness passes', async ({ expect }) => {
    const pod = makePod('probe', [
      busybox('live', 'exec sleep 3600', {
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
      }),
      busybox('ready', 'sleep 2; touch /tmp/ready; exec sleep 3600', {
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
      }),
    ]);
    manager.upsertPod(pod);
    const notReady = await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) => statusOf(s, 'ready').state.running !== undefined,
    );
    expect(statusOf(notReady, 'ready').ready).toBe(false);
    const restarted = await waitForStatus(manager, pod.metadata.uid, (s) => statusOf(s, 'live').restartCount >= 1);
    expect(statusOf(restarted, 'live').lastState.terminated?.exitCode).toBeGreaterThan(128);
    await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) => statusOf(s, 'ready').ready && statusOf(s, 'ready').restartCount === 0,
    );
  });

  it('reports ErrImagePull, then ImagePullBackOff, for an image no registry serves', async ({ expect }) => {
    const pod = makePod('pull', [{ name: 'app', image: 'kedge.local/absent:404', imagePullPolicy: 'IfNotPresent' }]);
    manager.upsertPod(pod);
    const pulling = await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) => statusOf(s, 'app').state.waiting?.reason === 'ErrImagePull',
    );
    expect(statusOf(pulling, 'app').state.waiting?.message).toContain('kedge.local/absent:404');
    const backoff = await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) => statusOf(s, 'app').state.waiting?.reason === 'ImagePullBackOff',
    );
    expect(backoff.phase).toBe('Pending');
  });

  it('runs init containers in order before the app', async ({ expect }) => {
    const pod = makePod(
      'init',
      [busybox('app', 'exec sleep 3600', { volumeMounts: [{ name: 'work', mountPath: '/work' }] })],
      {
        initContainers: [
          busybox('first', 'echo one >> /work/log', { volumeMounts: [{ name: 'work', mountPath: '/work' }] }),
          busybox('second', 'sleep 0.3; echo two >> /work/log', {
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          }),
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      },
    );
    manager.upsertPod(pod);
    const status = await waitForStatus(manager, pod.metadata.uid, (s) => s.phase === 'Running');
    expect(status.initContainerStatuses?.map((c) => c.state.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(status.conditions.find((c) => c.type === 'Initialized')?.status).toBe('True');
    await execUntil(pod.metadata.uid, 'app', 'cat /work/log', 'one\ntwo\n');
  });

  it('ends restartPolicy Never and OnFailure pods in Failed and Succeeded', async ({ expect }) => {
    const never = makePod('never', [busybox('job', 'exit 2')], { restartPolicy: 'Never' });
    const onFailure = makePod(
      'onfail',
      [
        busybox('job', 'test -f /tmp/again || { touch /tmp/again; exit 1; }; exit 0', {
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        }),
      ],
      {
        restartPolicy: 'OnFailure',
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    );
    manager.upsertPod(never);
    manager.upsertPod(onFailure);
    const failed = await waitForStatus(manager, never.metadata.uid, (s) => s.phase === 'Failed');
    expect(statusOf(failed, 'job')).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 2, reason: 'Error' } },
    });
    // A finished pod keeps no sandbox running.
    const sandboxes = (await runtime.listContainers({ nodeName, podUid: never.metadata.uid })).filter(
      (c) => c.labels.kind === 'sandbox',
    );
    expect(sandboxes.map((c) => c.status)).toEqual(['exited']);
    const succeeded = await waitForStatus(manager, onFailure.metadata.uid, (s) => s.phase === 'Succeeded');
    expect(statusOf(succeeded, 'job')).toMatchObject({
      restartCount: 1,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(succeeded.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
  });

  it('deletes gracefully: preStop, then SIGTERM, then containers and volumes are removed', async ({ expect }) => {
    const hooks = join(volumeDir, `hooks-${process.pid}`);
    const pod = makePod(
      'delete',
      [
        busybox('app', 'trap "echo term >> /hooks/log; exit 0" TERM; while true; do sleep 0.2; done', {
          volumeMounts: [
            { name: 'scratch', mountPath: '/s' },
            { name: 'hooks', mountPath: '/hooks' },
          ],
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /hooks/log'] } } },
        }),
      ],
      {
        terminationGracePeriodSeconds: 20,
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'hooks', hostPath: { path: hooks, type: 'DirectoryOrCreate' } },
        ],
      },
    );
    manager.upsertPod(pod);
    await waitForStatus(manager, pod.metadata.uid, (s) => s.phase === 'Running');
    const removed = new Promise<void>((resolve) =>
      manager.onRemoved((ref) => ref.uid === pod.metadata.uid && resolve()),
    );
    const started = Date.now();
    await manager.removePod(pod.metadata.uid);
    await removed;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await runtime.listContainers({ nodeName, podUid: pod.metadata.uid })).toEqual([]);
    expect(existsSync(join(volumeDir, 'pods', pod.metadata.uid))).toBe(false);
    expect(readFileSync(join(hooks, 'log'), 'utf8')).toBe('prestop\nterm\n');
  });

  it('recreates a killed sandbox and restarts the pod in the new network', async ({ expect }) => {
    const pod = makePod('sandbox', [busybox('app', 'exec sleep 3600')]);
    manager.upsertPod(pod);
    await waitForStatus(manager, pod.metadata.uid, (s) => s.phase === 'Running');
    const sandbox = (await runtime.listContainers({ nodeName, podUid: pod.metadata.uid })).find(
      (c) => c.labels.kind === 'sandbox',
    );
    await runtime.stopContainer(sandbox?.id ?? '', 0);
    const after = await waitForStatus(
      manager,
      pod.metadata.uid,
      (s) => statusOf(s, 'app').restartCount === 1 && statusOf(s, 'app').state.running !== undefined,
    );
    expect(after.podIP).toMatch(/^10\.88\.\d+\.\d+$/);
    const sandboxes = (await runtime.listContainers({ nodeName, podUid: pod.metadata.uid })).filter(
      (c) => c.labels.kind === 'sandbox',
    );
    expect(sandboxes.map((c) => [c.status, c.labels.restartCount])).toEqual([['running', 1]]);
  });

  it('adopts running containers after a restart of the manager: same containers, same status', async ({ expect }) => {
    const options = { runtime, nodeName: adoptNode, resolve: store.resolve, volumeDir, resyncIntervalMs: 0 };
    const first = new PodManager(options);
    await first.start();
    const pod = makePod('adopt', [busybox('app', 'exec sleep 3600')]);
    first.upsertPod(pod);
    const before = await waitForStatus(
      first,
      pod.metadata.uid,
      (s) => s.phase === 'Running' && statusOf(s, 'app').ready,
    );
    await first.stop();
    const second = new PodManager(options);
    second.upsertPod({ ...pod, status: before });
    await second.start();
    const after = await waitForStatus(second, pod.metadata.uid, (s) => s.phase === 'Running');
    await second.stop();
    expect(after).toEqual(before);
    expect(statusOf(after, 'app').state.running?.startedAt).toBe(statusOf(before, 'app').state.running?.startedAt);
    expect((await runtime.listContainers({ nodeName: adoptNode, podUid: pod.metadata.uid })).length).toBe(2);
  });
});
