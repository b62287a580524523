/**
 * A hollow edge node made of edgecore's own parts: the real HubClient over a
 * real TLS WebSocket (webSocketDialer, client certificate, deflate), an
 * in-memory metastore (same tables, same outbox), a PodManager on a
 * SimulatedRuntime shared by every node of the process, and the
 * NodeReporter. Wired as edgecore's modules wire them (modules/pods.ts,
 * modules/hub.ts, modules/node.ts), minus MQTT, devices and health.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatObjectKey, withDefaults as frameLimits } from '@kedge/protocol';
import type { HollowAgent, HollowAgentFactory, HollowIdentity } from '@kedge/testkit';
import { silentLogger, type Logger } from '@kedge/edgecore/src/config';
import {
  configsHandler,
  EDGECORE_VERSION,
  HandlerRegistry,
  HubClient,
  podsHandler,
  webSocketDialer,
} from '@kedge/edgecore/src/hub-client';
import { IN_MEMORY, openMetastore } from '@kedge/edgecore/src/metastore';
import { hostFacts, NodeReporter, type HostFacts } from '@kedge/edgecore/src/node';
import { PodManager, type KubeObject, type Pod } from '@kedge/edgecore/src/pods';
import { SimulatedRuntime } from '@kedge/edgecore/src/runtime';

/** A SimulatedRuntime that counts container starts, so a test can tell that nothing restarted. */

/** Warnings and errors of this process's hollow nodes, counted by message: why nodes dropped or redialled. */
const warnings = new Map<string, number>();
const tally = (msg: string, fields?: Record<string, unknown>): void => {
  // A dead-peer close says which rule fired: an unanswered ping, or silence past the limit.
  const key = fields?.pingUnanswered === true ? `${msg} (ping unanswered)` : msg;
  warnings.set(key, (warnings.get(key) ?? 0) + 1);
};
const tallyLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: tally,
  error: tally,
  child: () => tallyLogger,
};

/** The tally so far, by message. */
export function warningTally(): Record<string, number> {
  return Object.fromEntries(warnings);
}

export class CountingRuntime extends SimulatedRuntime {
  containerStarts = 0;
  override async startContainer(id: string): Promise<void> {
    const before = (await this.inspectContainer(id))?.state.status;
    await super.startContainer(id);
    if (before !== 'running') this.containerStarts++;
  }
}

export interface EdgeAgentShared {
  readonly runtime: CountingRuntime;
  /** Holds ca.crt, node.key and one <node>.crt per node. */
  readonly dir: string;
  /** wss://host:port/v1/connect (a balancer's address with several replicas). */
  readonly url: string;
  /** Offer permessage-deflate, as edgecore does by default. */
  readonly compression: boolean;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Host facts read once per process: thousands of nodes re-reading /etc/os-release every 10 s measure the disk, not Kedge. */
function cachedFacts(): HostFacts {
  const memo = <T>(f: () => T): (() => T) => {
    let value: { v: T } | undefined;
    return () => (value ??= { v: f() }).v;
  };
  const files = new Map<string, string | undefined>();
  const disks = new Map<string, number | undefined>();
  return {
    cpuCount: memo(hostFacts.cpuCount),
    memoryBytes: memo(hostFacts.memoryBytes),
    arch: memo(hostFacts.arch),
    platform: memo(hostFacts.platform),
    kernel: memo(hostFacts.kernel),
    hostname: memo(hostFacts.hostname),
    interfaces: memo(hostFacts.interfaces),
    readFile: (path) => {
      if (!files.has(path)) files.set(path, hostFacts.readFile(path));
      return files.get(path);
    },
    diskBytes: (path) => {
      if (!disks.has(path)) disks.set(path, hostFacts.diskBytes(path));
      return disks.get(path);
    },
  };
}

/** Writes the shared CA and key once; returns the factory that builds one agent per identity. */
export function edgecoreAgentFactory(shared: EdgeAgentShared, first: HollowIdentity): HollowAgentFactory {
  const caFile = join(shared.dir, 'ca.crt');
  const keyFile = join(shared.dir, 'node.key');
  writeFileSync(caFile, first.caPem);
  writeFileSync(keyFile, first.keyPem, { mode: 0o600 });
  const facts = cachedFacts();
  const limits = frameLimits({});
  return (identity) => {
    const certFile = join(shared.dir, `${identity.nodeName}.crt`);
    writeFileSync(certFile, identity.certPem);
    return edgeAgent(identity.nodeName, shared, facts, {
      caFile,
      certFile,
      keyFile,
      limits,
    });
  };
}

function edgeAgent(
  nodeName: string,
  shared: EdgeAgentShared,
  facts: HostFacts,
  files: { caFile: string; certFile: string; keyFile: string; limits: ReturnType<typeof frameLimits> },
): HollowAgent {
  const store = openMetastore(IN_MEMORY);
  const pods = new PodManager({
    runtime: shared.runtime,
    nodeName,
    volumeDir: join(shared.dir, 'volumes', nodeName),
    resolve: (kind, namespace, name) => {
      const stored = store.objects.getByName(kind, namespace, name);
      return stored ? (JSON.parse(stored.body) as KubeObject) : undefined;
    },
  });
  pods.onStatus((ref, status) => {
    const key = formatObjectKey({ kind: 'Pod', namespace: ref.namespace, name: ref.name });
    store.outbox.enqueue(key, 'podStatus', json(status), ref.uid);
  });
  pods.onRemoved((ref) => {
    const key = formatObjectKey({ kind: 'Pod', namespace: ref.namespace, name: ref.name });
    store.outbox.enqueue(key, 'podDeleted', json({ uid: ref.uid }), ref.uid);
  });
  const handlers = new HandlerRegistry()
    .register(
      podsHandler({
        upsertPod: (pod) => pods.upsertPod(pod as unknown as Pod),
        removePod: (uid) => pods.removePod(uid),
      }),
    )
    .register(configsHandler(pods));
  const hub = new HubClient({
    nodeName,
    store,
    handlers,
    log: tallyLogger,
    limits: files.limits,
    dial: webSocketDialer({
      url: shared.url,
      caFile: files.caFile,
      certFile: files.certFile,
      keyFile: files.keyFile,
      proxy: '',
      limits: files.limits,
      deflate: shared.compression,
    }),
  });
  const reporter = new NodeReporter({
    nodeName,
    outbox: store.outbox,
    maxPods: 110,
    dataDir: shared.dir,
    agentVersion: EDGECORE_VERSION,
    runtimeVersion: async () => {
      const v = await shared.runtime.version();
      return `${v.name}://${v.version}`;
    },
    log: silentLogger,
    facts,
  });
  const stop = new AbortController();
  let running: Promise<unknown> = Promise.resolve();
  return {
    start(signal) {
      signal.addEventListener('abort', () => stop.abort(), { once: true });
      running = Promise.allSettled([pods.start(stop.signal), hub.run(stop.signal), reporter.run(stop.signal)]);
    },
    reconnect: (reason) => hub.reconnect(reason),
    async stop() {
      stop.abort();
      await running;
      await pods.stop();
      store.close();
    },
    stats() {
      const s = hub.stats;
      return {
        connected: hub.state === 'connected' || hub.state === 'synced',
        synced: hub.state === 'synced',
        connects: s.connects,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        objectsReceived: s.objectsApplied + s.objectsIgnored,
      };
    },
  };
}
