/** Which Kubernetes API cloudcore talks to: it never needs to know whether it is kube-lite or a cluster. */
import { existsSync } from 'node:fs';
import { Agent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { CloudcoreConfig } from './config';
import { ConfigError, errorMessage } from './errors';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
export type AgentTlsOptions = Record<'ca' | 'cert' | 'key' | 'pfx' | 'rejectUnauthorized' | 'servername', unknown>;

/**
 * Connection pools kept apart. Node Lease renewals ride their own
 * ("heartbeat") so they never wait behind the bulk of status writes: when
 * 10,000 nodes report 100,000 pod statuses at once, a renewal queued behind
 * them took longer than the Lease lasts, and every node went Unknown. The
 * API server's priority and fairness does the same for kubelets' Leases.
 */
export type PoolLane = 'bulk' | 'heartbeat';
/**
 * Sockets per lane; the bulk lane's is what cloudcore's status writes are
 * bounded by. Over HTTP/1.1 a connection carries one request per round trip,
 * so the heartbeat lane needs many: 10,000 nodes renew 1,000 Leases a second,
 * and a busy single-threaded API server took 100 ms a round trip (32
 * connections gave 330 renewals a second).
 */
export const LANE_SOCKETS: Readonly<Record<PoolLane, number>> = { bulk: 32, heartbeat: 128 };

/** Idle-connection pools per credential set and lane; a few sets at most (rotation), older ones are dropped. */
const MAX_POOLED_AGENTS = 8;

/**
 * A KubeConfig whose API calls reuse keep-alive connections. The client
 * library builds a new https.Agent, so a new TLS connection and handshake, for
 * every request; for cloudcore's steady stream of Lease and status writes
 * that was most of its CPU. Agents are keyed by their TLS material, so
 * rotated credentials get a new one.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, Agent>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (!(fresh instanceof Agent) || this.getCurrentCluster()?.proxyUrl) return;
    context.setAgent(this.pooledAgent((fresh as Agent & { options: AgentTlsOptions }).options));
  }

  /** The keep-alive agent for this TLS material and lane, shared by every caller that presents the same. */
  pooledAgent(options: AgentTlsOptions, lane: PoolLane = 'bulk'): Agent {
    const key = JSON.stringify([
      lane,
      ...[options.ca, options.cert, options.key, options.pfx, options.rejectUnauthorized, options.servername].map(
        (v) => (Buffer.isBuffer(v) ? v.toString('base64') : v),
      ),
    ]);
    let agent = this.agents.get(key);
    if (!agent) {
      if (this.agents.size >= MAX_POOLED_AGENTS) {
        for (const old of this.agents.values()) old.destroy();
        this.agents.clear();
      }
      agent = new Agent({ ...(options as object), keepAlive: true, maxSockets: LANE_SOCKETS[lane] });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/** kubeconfig flag/field, then in-cluster, then $KUBECONFIG, else an error naming the fix. */
export function loadKubeConfig(
  config: Pick<CloudcoreConfig, 'kubeconfig'>,
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  const kube = new PooledKubeConfig();
  const fromFile = (path: string, field: string) => {
    if (!existsSync(path))
      throw new ConfigError(field, `kubeconfig ${path} does not exist; pass an existing file to --kubeconfig`, {
        code: 'KUBECONFIG_MISSING',
      });
    try {
      kube.loadFromFile(path);
    } catch (err) {
      throw new ConfigError(field, `kubeconfig ${path} cannot be loaded: ${errorMessage(err)}`, {
        code: 'KUBECONFIG_MISSING',
        cause: err,
      });
    }
  };
  if (config.kubeconfig) fromFile(config.kubeconfig, 'kubeconfig');
  else if (env.KUBERNETES_SERVICE_HOST) kube.loadFromCluster();
  else if (env.KUBECONFIG) fromFile(env.KUBECONFIG, 'KUBECONFIG');
  else {
    throw new ConfigError(
      'kubeconfig',
      'no Kubernetes API to talk to: pass --kubeconfig PATH, set $KUBECONFIG, or run in a cluster',
      {
        code: 'KUBECONFIG_MISSING',
      },
    );
  }
  return kube;
}
