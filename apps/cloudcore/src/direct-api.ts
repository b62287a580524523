/**
 * API calls straight over HTTPS with the kubeconfig's credentials, for the
 * calls cloudcore makes per node by the thousand: the node Lease renewal
 * (1,000 a second at 10,000 nodes) and, on every connect, the node's
 * ownership Lease and the read of its Node. Through the generated client
 * each such call cost about 3.5 times the CPU (320 against 90 µs for a
 * patch, measured against kube-lite), and after a replica restart every
 * node connects at once. Bodies are plain JSON both ways: an object read
 * here must not be handed to the generated client, whose serializer
 * expects Date objects where JSON has strings.
 */
import { request, type Agent, type RequestOptions } from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig, type AgentTlsOptions, type PoolLane } from './kubeconfig';

/** Patches the object at an API path (e.g. leasePath(ns, name)). */
export type MergePatch = (path: string, body: unknown) => Promise<void>;

/** The API path of a Lease, for calls made here. */
export const leasePath = (namespace: string, name: string): string =>
  `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`;

export interface DirectApi {
  get<T>(path: string): Promise<T>;
  /** Replaces the object; a stale resourceVersion in `body` fails with 409. */
  put<T>(path: string, body: unknown): Promise<T>;
  readonly mergePatch: MergePatch;
}

/** Credentials are read again this often: tokens and certificate files rotate. */
const CREDENTIALS_REFRESH_MS = 60_000;

interface Prepared {
  readonly options: RequestOptions;
  readonly at: number;
}

/**
 * Calls over the kubeconfig's keep-alive connections of `lane` (cloudcore's
 * kubeconfig is a PooledKubeConfig), or undefined when there is no such pool
 * or the API is reached through a proxy or over plain HTTP: callers then use
 * the generated client.
 */
export function directApi(kube: KubeConfig, lane: PoolLane, now: () => number = Date.now): DirectApi | undefined {
  const cluster = kube.getCurrentCluster();
  if (!(kube instanceof PooledKubeConfig) || !cluster || cluster.proxyUrl || !cluster.server.startsWith('https:'))
    return undefined;
  const server = new URL(cluster.server);
  const prefix = server.pathname.replace(/\/$/, '');
  let prepared: Promise<Prepared> | undefined;

  const prepare = async (): Promise<Prepared> => {
    const options: RequestOptions = {};
    await kube.applyToHTTPSOptions(options);
    (options.agent as Agent | undefined)?.destroy(); // the library's own, made for one request
    return { options: { ...options, agent: kube.pooledAgent(options as AgentTlsOptions, lane) }, at: now() };
  };

  const credentials = async (): Promise<RequestOptions> => {
    let current = prepared ? await prepared : undefined;
    if (!current || now() - current.at >= CREDENTIALS_REFRESH_MS) {
      // A failed refresh is not kept: the next call tries again.
      prepared = prepare().catch((err: unknown) => {
        prepared = undefined;
        throw err;
      });
      current = await prepared;
    }
    return current.options;
  };

  /** Resolves with the response body on 2xx; rejects with an ApiException carrying the status otherwise. */
  const call = async (method: string, path: string, body?: { type: string; payload: string }): Promise<string> => {
    const options = await credentials();
    return new Promise<string>((resolve, reject) => {
      const req = request(
        {
          ...options,
          host: server.hostname,
          port: server.port || 443,
          method,
          path: `${prefix}${path}`,
          headers: {
            ...(options.headers as Record<string, string> | undefined),
            ...(body ? { 'content-type': body.type, 'content-length': Buffer.byteLength(body.payload) } : {}),
            accept: 'application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status >= 200 && status < 300) return resolve(text);
            reject(new ApiException(status, `${method} ${path} answered ${status}`, text, res.headers as never));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body?.payload);
    });
  };

  return {
    get: async <T>(path: string) => JSON.parse(await call('GET', path)) as T,
    put: async <T>(path: string, body: unknown) =>
      JSON.parse(await call('PUT', path, { type: 'application/json', payload: JSON.stringify(body) })) as T,
    mergePatch: async (path, body) => {
      await call('PATCH', path, { type: 'application/merge-patch+json', payload: JSON.stringify(body) });
    },
  };
}

/** Merge patches over the heartbeat lane: the node Lease renewals. */
export function directMergePatch(kube: KubeConfig, now: () => number = Date.now): MergePatch | undefined {
  return directApi(kube, 'heartbeat', now)?.mergePatch;
}
