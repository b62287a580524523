// What a pod on a Docker edge node sees and how failures show in the API,
// over real processes (kube-lite or E2E_KUBECONFIG, cloudcore, one edgecore
// on Docker): a ConfigMap as file and env, updated in place; CrashLoopBackOff
// with a growing restartCount; a liveness probe restart; an absent image;
// and the edge channel refusing connections without a Kedge client cert.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@kedge/testkit';
import { execInPod, Fleet } from './support/fleet';
import { foreignClientCert, tryConnect } from './support/wss-probe';

const fleet = new Fleet();
const EDGE1 = fleet.nodeName('edge-1');
const IMAGE = 'kedge.local/busybox:1';

const getPod = (name: string) => fleet.kubectlJson<V1Pod>(['get', 'pod', name]);
const pod = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { nodeName: EDGE1, terminationGracePeriodSeconds: 1, ...spec },
});
const configMap = (greeting: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config' },
  data: { greeting, mode: 'edge' },
});

beforeAll(() => fleet.start([{ name: EDGE1, runtime: 'docker' }]), 150_000);
afterAll(() => fleet.stop(), 60_000);

describe('pod configuration and failures on a Docker edge node', () => {
  it('mounts a ConfigMap as a file and env, and updates the file in the running container', async () => {
    await fleet.apply(configMap('hello'));
    await fleet.apply(
      pod('configured', {
        containers: [
          {
            name: 'app',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sleep', '3600'],
            env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } }],
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }],
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'app-config' } }],
      }),
    );
    const running = await waitFor(
      async () => ((p) => (p.status?.phase === 'Running' ? p : undefined))(await getPod('configured')),
      {
        description: 'pod configured Running',
        timeoutMs: 60_000,
        intervalMs: 300,
      },
    );
    const uid = running.metadata?.uid as string;
    expect(await execInPod(uid, 'app', ['cat', '/etc/app/greeting'])).toBe('hello');
    expect(await execInPod(uid, 'app', ['env'])).toMatch(/^MODE=edge$/m);

    await fleet.apply(configMap('hello again'));
    const started = Date.now();
    await waitFor(async () => (await execInPod(uid, 'app', ['cat', '/etc/app/greeting'])) === 'hello again', {
      description: 'updated ConfigMap visible in the running container',
      timeoutMs: 30_000,
      intervalMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    // Same container: the file changed under it, nothing was restarted.
    expect((await getPod('configured')).status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('shows CrashLoopBackOff, a liveness restart and an absent image through kubectl', async () => {
    // Started together: the crash back-off (10 s, then 20 s) dominates the wait.
    await fleet.apply(
      pod('crasher', {
        containers: [{ name: 'c', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 3'] }],
      }),
    );
    await fleet.apply(
      pod('unhealthy', {
        containers: [
          {
            name: 'c',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      }),
    );
    await fleet.apply(
      pod('no-image', {
        containers: [
          { name: 'c', image: 'kedge.local/absent:1', imagePullPolicy: 'IfNotPresent', command: ['sleep', '1'] },
        ],
      }),
    );

    const pull = await waitFor(
      async () => {
        const reason = (await getPod('no-image')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
        return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? reason : undefined;
      },
      { description: 'no-image waiting in ErrImagePull or ImagePullBackOff', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(pull);

    const live = await waitFor(
      async () => {
        const s = (await getPod('unhealthy')).status?.containerStatuses?.[0];
        return (s?.restartCount ?? 0) >= 1 ? s : undefined;
      },
      { description: 'unhealthy restarted by its liveness probe', timeoutMs: 60_000, intervalMs: 300 },
    );
    // The command never exits on its own: only the probe can have ended the first instance.
    expect(live.lastState?.terminated).toBeDefined();
    expect(fleet.edge(EDGE1).process?.output()).toMatch(/container failed its probe, restarting it[^\n]*unhealthy/);

    const first = await waitFor(
      async () => {
        const s = (await getPod('crasher')).status?.containerStatuses?.[0];
        return s?.state?.waiting?.reason === 'CrashLoopBackOff' && (s.restartCount ?? 0) >= 1 ? s : undefined;
      },
      { description: 'crasher in CrashLoopBackOff after a restart', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(first.lastState?.terminated?.exitCode).toBe(3);
    await waitFor(
      async () => {
        const s = (await getPod('crasher')).status?.containerStatuses?.[0];
        return s?.state?.waiting?.reason === 'CrashLoopBackOff' && (s.restartCount ?? 0) > (first.restartCount ?? 0);
      },
      { description: 'crasher restartCount growing, still in CrashLoopBackOff', timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const name of ['crasher', 'unhealthy', 'no-image'])
      await fleet.kubectl(['delete', 'pod', name, '--wait=false']);
  });

  it('refuses an edge connection without a Kedge client certificate', async () => {
    const probe = await fleet.join({ name: fleet.nodeName('probe'), runtime: 'simulated' });
    const ca = readFileSync(join(probe.dataDir, 'ca.crt'), 'utf8');
    const port = fleet.cloudPort;
    // Control: the same request with a certificate the Kedge CA signed is upgraded.
    const cert = readFileSync(join(probe.dataDir, 'node.crt'), 'utf8');
    const key = readFileSync(join(probe.dataDir, 'node.key'), 'utf8');
    expect(await tryConnect({ port, ca, cert, key })).toEqual({ kind: 'upgraded' });

    const refused = (o: Awaited<ReturnType<typeof tryConnect>>) =>
      o.kind === 'http-refused' ? [401, 403].includes(o.status) : o.kind === 'tls-refused' && o.code !== 'ECONNREFUSED';
    const noCert = await tryConnect({ port, ca });
    expect(refused(noCert), JSON.stringify(noCert)).toBe(true);

    const otherDir = join(fleet.dir, 'other-ca');
    mkdirSync(otherDir);
    const foreign = await foreignClientCert(otherDir, EDGE1);
    const foreignOutcome = await tryConnect({ port, ca, ...foreign });
    expect(refused(foreignOutcome), JSON.stringify(foreignOutcome)).toBe(true);
    // edge-1 (whose name the foreign certificate claims) is untouched.
    expect((await fleet.edgeHealth(EDGE1)).cloud).toBe('synced');
  });
});
