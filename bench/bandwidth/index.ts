// Bandwidth of one edge node on loopback, over real processes (kube-lite,
// cloudcore, edgecore with the simulated runtime): initial sync of 100
// pods, one more pod, a reconnect after a cloudcore restart with nothing
// changed, and idle traffic. Prints one JSON line.
//
//   npx tsx bench/bandwidth [--idle-seconds 60] [--cloud-ping-ms N]
//
// --cloud-ping-ms is passed to cloudcore as --ping-interval-ms (default:
// cloudcore's own default); edgecore follows the interval it announces.
//
// Sources: cloudcore's per-node counters (payload = encoded frames, wire =
// TLS socket bytes) and, as root, iptables counters on loopback (IP bytes:
// headers, ACKs and all). Figures go to docs/benchmarks/bandwidth.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { V1Lease, V1Pod } from '@kubernetes/client-node';
import { startKubeLite } from '@kedge/kube-lite';
import { encodeFrame, trimForWire } from '@kedge/protocol';
import { stopAll, waitFor } from '@kedge/testkit';
import { LoopbackCounter, diff, type IpCounts } from './counters';
import { Fleet } from './fleet';
import { jsonObjectEvents } from './json-baseline';

const { values } = parseArgs({
  options: { 'idle-seconds': { type: 'string', default: '60' }, 'cloud-ping-ms': { type: 'string' } },
});
const cloudPingMs = values['cloud-ping-ms'] === undefined ? undefined : Number(values['cloud-ping-ms']);
if (cloudPingMs !== undefined && !(Number.isInteger(cloudPingMs) && cloudPingMs >= 100))
  throw new Error(`--cloud-ping-ms must be an integer ≥ 100 (milliseconds), got ${values['cloud-ping-ms']}`);
const idleSeconds = Number(values['idle-seconds']);
if (!Number.isInteger(idleSeconds) || idleSeconds < 60)
  throw new Error(`--idle-seconds must be an integer ≥ 60, got ${values['idle-seconds']}`);

const PODS = 100;
const APP = 'bw';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'kedge-bench-bw-'));
const kube = await startKubeLite({ dataDir: join(dir, 'kube-lite'), port: 0, log: () => undefined });
const fleet = await Fleet.create(kube.kubeconfigPath, 'bw-edge', join(dir, 'edge'), cloudPingMs);
try {
  await fleet.startCloud();
  const installed = LoopbackCounter.install(fleet.cloudPort);
  const counter = typeof installed === 'string' ? undefined : installed;
  const ip = (): IpCounts | undefined => counter?.read();
  const ipSince = (from: IpCounts | undefined) => (counter && from ? diff(counter.read(), from) : undefined);
  await fleet.join();

  const pods = async () => (await fleet.kubectlJson<{ items: V1Pod[] }>(['get', 'pods', '-l', `app=${APP}`])).items;
  const settled = async (count: number) => {
    await waitFor(
      async () => {
        const list = await pods();
        const health = await fleet.edgeHealth();
        return (
          list.length === count &&
          list.every((p) => p.status?.phase === 'Running') &&
          health.cloud === 'synced' &&
          health.outbox === 0
        );
      },
      { description: `${count} pods Running and the outbox empty`, timeoutMs: 180_000, intervalMs: 100 },
    );
    await sleep(1_500); // the last acks and TCP ACKs
  };
  const deployment = (replicas: number) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: APP, namespace: 'default', labels: { app: APP } },
      spec: {
        replicas,
        selector: { matchLabels: { app: APP } },
        template: {
          metadata: { labels: { app: APP, tier: 'edge' } },
          spec: {
            nodeName: fleet.nodeName,
            containers: [
              {
                name: 'web',
                image: 'kedge.local/busybox:1',
                command: ['httpd', '-f', '-p', '8080'],
                ports: [{ containerPort: 8080 }],
                resources: { requests: { cpu: '10m', memory: '16Mi' } },
              },
            ],
          },
        },
      },
    });

  // 1. Initial sync: 100 pods bound to the node before it first connects.
  await fleet.kubectl(['apply', '-f', '-'], deployment(PODS));
  await waitFor(async () => (await pods()).length === PODS, { description: `${PODS} pods created`, timeoutMs: 60_000 });
  const ip0 = ip();
  await fleet.startEdge();
  await settled(PODS);
  const initial = await fleet.nodeBytes();
  const initialIp = ipSince(ip0);
  const fullPods = await pods();
  const initialJson = jsonObjectEvents(fullPods);

  // 2. One more pod, delivered while connected.
  const before = await fleet.nodeBytes();
  const ip1 = ip();
  await fleet.kubectl(['scale', 'deployment', APP, `--replicas=${PODS + 1}`]);
  await settled(PODS + 1);
  const after = await fleet.nodeBytes();
  const onePodIp = ipSince(ip1);
  const known = new Set(fullPods.map((p) => p.metadata?.uid));
  const added = (await pods()).find((p) => !known.has(p.metadata?.uid)) as V1Pod;
  const podName = added.metadata?.name as string;
  const kubectlJsonBytes = Buffer.byteLength(await fleet.kubectl(['get', 'pod', podName, '-o', 'json']));
  const onePodJson = jsonObjectEvents([added]);
  // The ADDED frame cloudcore sends for it, encoded the same way (edge-sync/node-sync.ts).
  const meta = added.metadata ?? {};
  const podFrameBytes = encodeFrame({
    id: 1,
    type: 'object',
    eventType: 'ADDED',
    kind: 'Pod',
    apiVersion: 'v1',
    namespace: meta.namespace ?? '',
    name: podName,
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    body: new TextEncoder().encode(JSON.stringify(trimForWire({ ...added, kind: 'Pod', apiVersion: 'v1' }))),
    contentHash: '',
  }).length;

  // 3. cloudcore restart with nothing changed: time to Ready again, bytes of the reconnect.
  const killedAt = Date.now();
  await fleet.cloud?.kill();
  const ip2 = ip();
  const restartAt = Date.now();
  await fleet.startCloud();
  const listeningMs = Date.now() - restartAt;
  await waitFor(async () => (await fleet.edgeHealth()).cloud === 'synced', {
    description: 'edge synced with the restarted cloudcore',
    timeoutMs: 120_000,
    intervalMs: 20,
  });
  const syncedMs = Date.now() - restartAt;
  const syncedAfterKillMs = Date.now() - killedAt;
  await waitFor(
    async () => {
      const lease = await fleet.kubectlJson<V1Lease>(['get', 'lease', '-n', 'kube-node-lease', fleet.nodeName]);
      return new Date(lease.spec?.renewTime ?? 0).getTime() > killedAt;
    },
    { description: 'node lease renewed by the new cloudcore', timeoutMs: 60_000, intervalMs: 50 },
  );
  const leaseMs = Date.now() - restartAt;
  await settled(PODS + 1);
  const reconnect = await fleet.nodeBytes();
  const reconnectIp = ipSince(ip2);
  const relistJson = jsonObjectEvents(await pods());

  // 4. Idle: nothing changes for idleSeconds.
  const idle0 = await fleet.nodeBytes();
  const ip3 = ip();
  await sleep(idleSeconds * 1000);
  const idle1 = await fleet.nodeBytes();
  const idleIp = ipSince(ip3);
  const perMinute = (n: number) => Math.round((n * 60) / idleSeconds);

  console.log(
    JSON.stringify({
      bench: 'bandwidth',
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      ipCounters: counter ? 'iptables' : installed,
      cloudPingMs: cloudPingMs ?? 'cloudcore default',
      idle: {
        seconds: idleSeconds,
        wireBytesPerMin: perMinute(idle1.wireIn - idle0.wireIn + idle1.wireOut - idle0.wireOut),
        ipBytesPerMin: idleIp ? perMinute(idleIp.totalBytes) : null,
        ipPacketsPerMin: idleIp ? perMinute(idleIp.upPackets + idleIp.downPackets) : null,
      },
      cloudcoreRestart: {
        listeningMs,
        edgeSyncedMs: syncedMs,
        edgeSyncedAfterKillMs: syncedAfterKillMs,
        leaseRenewedMs: leaseMs,
      },
      reconnect100Pods: {
        pods: PODS + 1,
        wireBytes: reconnect.wireIn + reconnect.wireOut,
        payloadBytes: reconnect.payloadIn + reconnect.payloadOut,
        payloadUpBytes: reconnect.payloadIn,
        wireUpBytes: reconnect.wireIn,
        objectsSent: reconnect.objectsSent,
        ipBytes: reconnectIp?.totalBytes ?? null,
        jsonRelistRawBytes: relistJson.rawBytes,
        jsonRelistDeflatedBytes: relistJson.deflatedBytes,
      },
      onePod: {
        kubectlJsonBytes,
        podFrameBytes,
        payloadDownBytes: after.payloadOut - before.payloadOut,
        objectsSent: after.objectsSent - before.objectsSent,
        wireDownBytes: after.wireOut - before.wireOut,
        wireUpBytes: after.wireIn - before.wireIn,
        ipBytes: onePodIp?.totalBytes ?? null,
        jsonRawBytes: onePodJson.rawBytes,
        jsonDeflatedBytes: onePodJson.deflatedBytes,
      },
      initialSync100Pods: {
        payloadDownBytes: initial.payloadOut,
        objectsSent: initial.objectsSent,
        payloadUpBytes: initial.payloadIn,
        wireDownBytes: initial.wireOut,
        wireUpBytes: initial.wireIn,
        ipBytes: initialIp?.totalBytes ?? null,
        jsonRawBytes: initialJson.rawBytes,
        jsonDeflatedBytes: initialJson.deflatedBytes,
      },
    }),
  );
  counter?.remove();
} finally {
  await stopAll();
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
}
