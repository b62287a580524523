/**
 * nodes: the Node and its Leases for each connected edge node. At join the
 * Node gets the join labels; on connect this replica first takes the node's
 * ownership Lease (ownership.ts: which replica serves it), then the Node is
 * created if missing and marked Ready; both Leases are renewed while
 * connected; node status frames go to nodes/status, with kubernetes.io/arch
 * and os labels from nodeInfo.
 */
import { CoordinationV1Api, CoreV1Api, type V1NodeStatus } from '@kubernetes/client-node';
import type { CloudModule } from '../context';
import { FrameRejectedError, errorMessage } from '../errors';
import { directApi, directMergePatch } from '../direct-api';
import { keepNodeAlive } from './keepalive';
import { renewLease } from './lease';
import { NodeOwnership } from './ownership';
import {
  ensureNode,
  isReady,
  nodeOnConnect,
  patchLabels,
  peekNode,
  statusUnchanged,
  writeNodeStatus,
} from './node-object';

export { EDGE_ROLE_LABEL, ensureNode, writeNodeStatus } from './node-object';
export { LEASE_NAMESPACE, renewLease } from './lease';
export { NodeOwnership, OWNERSHIP_LEASE_PREFIX, REPLICA_LEASE_PREFIX, type OwnershipOptions } from './ownership';

export const nodesModule: CloudModule = {
  name: 'nodes',
  async start(ctx, signal) {
    const log = ctx.log.child('nodes');
    const core = ctx.kube.makeApiClient(CoreV1Api);
    const coordination = ctx.kube.makeApiClient(CoordinationV1Api);
    const lease = {
      durationSeconds: ctx.config.leaseDurationSeconds,
      renewIntervalMs: ctx.config.leaseRenewIntervalMs,
    };

    ctx.joinHooks.push(async (nodeName, labels) => {
      await ensureNode(core, nodeName, labels);
    });

    // Calls made once per connect go without the generated client where the API allows it.
    const direct = directApi(ctx.kube, 'bulk');
    const ownership = new NodeOwnership(
      coordination,
      {
        namespace: ctx.config.namespace,
        replicaId: ctx.config.serverId,
        durationSeconds: ctx.config.leaseDurationSeconds,
      },
      direct,
    );
    const keepalive = { coordination, core, lease, log, patch: directMergePatch(ctx.kube) };
    // This replica is alive to the others only while its lease is renewed; nodes wait for its first write.
    let markAlive!: () => void;
    const alive = new Promise<void>((resolve) => (markAlive = resolve));
    const heartbeat = () =>
      ownership.heartbeat().then(
        (state) => {
          markAlive();
          if (state !== 'fenced') return;
          log.warn('replica lease was not renewed in time; closing every session (its nodes may be served elsewhere)');
          for (const session of ctx.sessions.all()) session.close('GOING_AWAY', 'cloudcore replica lost its lease');
        },
        (err: unknown) => log.warn('replica lease renewal failed', { error: errorMessage(err) }),
      );
    void heartbeat();
    // Without the list every first acquire reads its lease, which is only slower.
    const primed = ownership.prime().then(
      (leases) => log.debug('node ownership leases listed', { leases }),
      (err: unknown) => log.warn('listing node ownership leases failed', { error: errorMessage(err) }),
    );
    const heartbeats = setInterval(heartbeat, lease.renewIntervalMs);
    signal.addEventListener('abort', () => clearInterval(heartbeats), { once: true });

    ctx.sessions.onOpen(async (session) => {
      await alive;
      await primed;
      const owned = await ownership.acquire(session.nodeName, session.signal);
      if (!owned.ok) {
        const message = `node ${session.nodeName} is still served by replica ${owned.holder}; retry later`;
        session.close('GOING_AWAY', message);
        throw new FrameRejectedError('GOING_AWAY', 'owned_elsewhere', message);
      }
      const current = await nodeOnConnect(core, direct, session.nodeName);
      // Back within the Lease's grace (a link blip, a cloudcore restart): the Node still says Ready.
      const node = isReady(current) ? current : await writeNodeStatus(core, session.nodeName, {});
      await renewLease(coordination, core, node, lease, keepalive.patch);
      keepNodeAlive(keepalive, session, node);
    });

    ctx.sessions.onClose(async (session) => {
      if (ctx.sessions.get(session.nodeName)) return; // a newer session of the node is on this replica
      await ownership.release(session.nodeName).catch((err: unknown) => {
        log.warn('releasing node ownership failed', { node: session.nodeName, error: errorMessage(err) });
      });
    });

    ctx.statusHandlers.register('nodeStatus', async (session, frame) => {
      if (frame.key.kind !== 'Node' || frame.key.name !== session.nodeName) {
        throw new FrameRejectedError(
          'UNAUTHORIZED',
          'foreign_node_status',
          `node ${session.nodeName} may not report status for ${frame.key.kind}/${frame.key.name}`,
        );
      }
      let status: V1NodeStatus;
      try {
        status = JSON.parse(new TextDecoder().decode(frame.body)) as V1NodeStatus;
      } catch (err) {
        throw new FrameRejectedError(
          'PROTOCOL_ERROR',
          'bad_status_body',
          `node status body is not JSON: ${errorMessage(err)}`,
        );
      }
      // The same status again (the 5-minute refresh) is read, not written.
      const current = await peekNode(core, direct, session.nodeName);
      if (statusUnchanged(current, status)) return 'unchanged';
      const node = await writeNodeStatus(core, session.nodeName, status, direct ? undefined : current);
      const info = status.nodeInfo;
      const labels: Record<string, string> = {};
      if (info?.architecture && node.metadata?.labels?.['kubernetes.io/arch'] !== info.architecture)
        labels['kubernetes.io/arch'] = info.architecture;
      if (info?.operatingSystem && node.metadata?.labels?.['kubernetes.io/os'] !== info.operatingSystem)
        labels['kubernetes.io/os'] = info.operatingSystem;
      if (Object.keys(labels).length > 0) await patchLabels(core, session.nodeName, labels);
      return 'written';
    });

    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
