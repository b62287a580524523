/**
 * What every module receives: configuration, the API client config, logs,
 * metrics, and the few shared services through which modules meet (the hub's
 * sessions and routes, edge-sync's node index, auth's CA, readiness).
 * Built once in main (or a test); no module keeps process-global state.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { CaMaterial } from './auth/pki';
import type { CloudcoreConfig } from './config';
import type { NodeIndex } from './edge-sync/node-index';
import { SessionRegistry } from './hub/registry';
import { RouteTable } from './hub/routes';
import type { Logger } from './log';
import { createMetrics, type CloudMetrics } from './metrics/registry';
import { StatusHandlers } from './status/handlers';

export interface CloudModule {
  readonly name: string;
  /** Runs until `signal` aborts (then resolves) or fails (then rejects, which stops the process). */
  start(ctx: CloudContext, signal: AbortSignal): Promise<void>;
}

/** A value one module provides and others wait for. */
export class Deferred<T> {
  private resolveFn!: (value: T) => void;
  readonly promise: Promise<T> = new Promise<T>((resolve) => (this.resolveFn = resolve));
  resolve(value: T): void {
    this.resolveFn(value);
  }
}

/** Named conditions that must all hold before /readyz answers 200. */
export class Readiness {
  private readonly conditions = new Map<string, boolean>();
  require(name: string): void {
    if (!this.conditions.has(name)) this.conditions.set(name, false);
  }
  set(name: string, ready: boolean): void {
    this.conditions.set(name, ready);
  }
  /** Names of the conditions not yet met. */
  pending(): string[] {
    return [...this.conditions].filter(([, ok]) => !ok).map(([name]) => name);
  }
}

export interface ServerTls {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  /** TLS session ticket keys (48 bytes), the same on every replica and across restarts. */
  readonly ticketKeys: Buffer;
}

export interface CloudContext {
  readonly config: CloudcoreConfig;
  readonly kube: KubeConfig;
  readonly log: Logger;
  readonly metrics: CloudMetrics;
  readonly readiness: Readiness;
  /** Resolved by auth once the CA is loaded or created. */
  readonly ca: Deferred<CaMaterial>;
  /** Resolved by auth: the edge channel's server key and certificate, and the CA that client certs must chain to. */
  readonly serverTls: Deferred<ServerTls>;
  /** HTTP routes served on the edge channel listener (join, renew, ca.crt). */
  readonly routes: RouteTable;
  readonly sessions: SessionRegistry;
  /** Resolved by edge-sync; what is bound to which node. */
  readonly index: Deferred<NodeIndex>;
  /** Status kinds and their API writers, registered by status and nodes. */
  readonly statusHandlers: StatusHandlers;
  /** Run at every successful join (nodes registers the Node with the join labels). */
  readonly joinHooks: ((nodeName: string, labels: Readonly<Record<string, string>>) => Promise<void>)[];
  /** The actual edge channel address once listening (port 0 in tests). */
  readonly listening: Deferred<{ host: string; port: number }>;
}

export function createContext(config: CloudcoreConfig, kube: KubeConfig, log: Logger): CloudContext {
  return {
    config,
    kube,
    log,
    metrics: createMetrics(),
    readiness: new Readiness(),
    ca: new Deferred(),
    serverTls: new Deferred(),
    routes: new RouteTable(),
    sessions: new SessionRegistry(),
    index: new Deferred(),
    statusHandlers: new StatusHandlers(),
    joinHooks: [],
    listening: new Deferred(),
  };
}
